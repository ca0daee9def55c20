import { credentials, makeGenericClientConstructor, Metadata, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { pubsubServiceDefinition } from '../../src/testing/momento/pubsub-service-definition.js';
import type { WireSubscriptionItem } from '../../src/testing/momento/pubsub-wire.js';
import { MomentoTestBed } from './harness.js';
import type { MomentoEmulator } from '../../src/testing/momento/index.js';

const PubsubClient = makeGenericClientConstructor(pubsubServiceDefinition, 'Pubsub');
interface RawClient {
  Subscribe(request: unknown, metadata: Metadata): ClientReadableStream<WireSubscriptionItem>;
  Publish(request: unknown, metadata: Metadata, callback: (error: ServiceError | null) => void): void;
  close(): void;
}

/** Speaks the wire directly (no SDK), to pin the emulator's protocol behaviour. */
function rawClient(emulator: MomentoEmulator): RawClient {
  return new PubsubClient(emulator.endpoint, credentials.createInsecure()) as unknown as RawClient;
}

function subscribe(client: RawClient, resumeAt: number, page: number, metadata = new Metadata()) {
  const call = client.Subscribe({ cacheName: 'c', topic: 't', resumeAtSequenceNumber: resumeAt, sequencePage: page }, metadata);
  const messages: WireSubscriptionItem[] = [];
  call.on('data', (m: WireSubscriptionItem) => messages.push(m));
  const ended = new Promise<ServiceError | undefined>((resolve) => {
    call.on('error', (e: ServiceError) => resolve(e));
    call.on('end', () => resolve(undefined));
  });
  const take = async (count: number): Promise<WireSubscriptionItem[]> => {
    while (messages.length < count) await new Promise((r) => setImmediate(r));
    return messages.slice(0, count);
  };
  return { call, messages, ended, take };
}

function publish(client: RawClient, value: unknown, metadata = new Metadata()): Promise<ServiceError | null> {
  return new Promise((resolve) => {
    client.Publish({ cacheName: 'c', topic: 't', value }, metadata, (error) => resolve(error));
  });
}

const item = (sequenceNumber: number, page = 1) => ({
  kind: 'item',
  item: { sequenceNumber, value: `v${sequenceNumber}`, publisherId: '', sequencePage: page },
});

describe('Momento emulator wire behaviour (raw gRPC client)', () => {
  const bed = new MomentoTestBed();
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await bed.cleanup();
  });
  const connect = (emulator: MomentoEmulator) => {
    const client = rawClient(emulator);
    clients.push(client);
    return client;
  };

  it('sends a heartbeat first, then live items; resumes from the buffer at the requested number', async () => {
    const emulator = await bed.emulator();
    const client = connect(emulator);
    for (let i = 1; i <= 5; i++) emulator.publish('c', 't', `v${i}`);
    const fresh = subscribe(client, 0, 0);
    expect(await fresh.take(1)).toEqual([{ kind: 'heartbeat' }]);
    const resumed = subscribe(client, 3, 1);
    expect(await resumed.take(4)).toEqual([{ kind: 'heartbeat' }, item(3), item(4), item(5)]);
    emulator.publish('c', 't', 'v6');
    expect((await fresh.take(2))[1]).toEqual(item(6));
    fresh.call.cancel();
    resumed.call.cancel();
  });

  it('answers a stale page or a resume point the buffer lost with a discontinuity', async () => {
    const emulator = await bed.emulator({ retainedItems: 2, initialSequencePage: 4 });
    const client = connect(emulator);
    for (let i = 1; i <= 5; i++) emulator.publish('c', 't', `v${i}`);
    const lost = subscribe(client, 2, 4);
    expect(await lost.take(4)).toEqual([
      { kind: 'heartbeat' },
      { kind: 'discontinuity', discontinuity: { lastSequenceNumber: 1, newSequenceNumber: 3, newSequencePage: 4 } },
      item(4, 4),
      item(5, 4),
    ]);
    const stalePage = subscribe(client, 9, 3);
    expect(await stalePage.take(2)).toEqual([
      { kind: 'heartbeat' },
      { kind: 'discontinuity', discontinuity: { lastSequenceNumber: 8, newSequenceNumber: 3, newSequencePage: 4 } },
    ]);
    lost.call.cancel();
    stalePage.call.cancel();
  });

  it('checks the API key when one is configured, and rejects credentials on demand', async () => {
    const emulator = await bed.emulator({ apiKey: 'secret-key' });
    const client = connect(emulator);
    const good = new Metadata();
    good.set('authorization', 'secret-key');
    expect((await publish(client, 'x'))?.code).toBe(status.UNAUTHENTICATED);
    expect(await publish(client, 'x', good)).toBeNull();
    emulator.rejectCredentials();
    expect((await publish(client, 'x', good))?.code).toBe(status.UNAUTHENTICATED);
    expect((await subscribe(client, 0, 0, good).ended)?.code).toBe(status.UNAUTHENTICATED);
    emulator.rejectCredentials(false);
    expect(await publish(client, 'x', good)).toBeNull();
  });

  it('enforces the 4 KB value limit in bytes and rejects a publish without value', async () => {
    const emulator = await bed.emulator();
    const client = connect(emulator);
    expect(await publish(client, 'é'.repeat(2048))).toBeNull();
    const tooBig = await publish(client, 'é'.repeat(2049));
    expect(tooBig?.code).toBe(status.INVALID_ARGUMENT);
    expect(tooBig?.details).toContain('4098 bytes');
    expect((await publish(client, new Uint8Array(4097)))?.code).toBe(status.INVALID_ARGUMENT);
    expect((await publish(client, undefined))?.code).toBe(status.INVALID_ARGUMENT);
    expect(emulator.topic('c', 't').lastSequenceNumber).toBe(1);
  });

  it('holds responses while stalled, ends streams with a chosen status and trailers, and drops connections', async () => {
    const emulator = await bed.emulator();
    const client = connect(emulator);
    const resume = emulator.stall();
    let answered = false;
    const pending = publish(client, 'held').then((e) => ((answered = true), e));
    await emulator.waitFor(() => emulator.topic('c', 't').lastSequenceNumber === 0 && emulator.stats().connections === 1, 'the connection');
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    resume();
    expect(await pending).toBeNull();
    const stream = subscribe(client, 0, 0);
    await stream.take(1);
    emulator.endStreams({ code: status.RESOURCE_EXHAUSTED, details: 'Too many subscribers', trailers: { err: 'topic_subscriptions_limit_exceeded' } });
    const ended = await stream.ended;
    expect(ended?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(ended?.metadata.get('err')).toEqual(['topic_subscriptions_limit_exceeded']);
    const second = subscribe(client, 0, 0);
    await second.take(1);
    expect(emulator.dropConnections()).toBe(1);
    expect((await second.ended)?.code).toBe(status.UNAVAILABLE);
    await emulator.waitFor(() => emulator.stats().connections === 0 && emulator.stats().openStreams === 0, 'the dropped connection to close');
  });
});
