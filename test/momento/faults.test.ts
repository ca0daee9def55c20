import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, AuthenticationError, PermissionError } from '../../src/core/errors.js';
import { topicEvents, topicItems, type TopicEvent, type TopicItemEvent } from '../../src/momento/index.js';
import { MomentoTestBed } from './harness.js';

const CACHE = 'cache';
const isItem = (e: TopicEvent): e is TopicItemEvent => e.type === 'item';
const sequence = (events: readonly TopicEvent[]): number[] => events.filter(isItem).map((e) => e.sequenceNumber);
const fast = { initialDelay: 5, maxDelay: 20, jitter: 0 };

describe('Momento faults: what is delivered and how it recovers', () => {
  const bed = new MomentoTestBed();
  afterEach(() => bed.cleanup());

  it('an UNAVAILABLE end mid-stream loses nothing and duplicates nothing', async () => {
    const emulator = await bed.emulator();
    const client = bed.client(emulator);
    const items = bed.record(topicItems(client, CACHE, 't'));
    await emulator.waitFor(() => emulator.stats().openStreams === 1);
    for (const v of ['1', '2', '3']) emulator.publish(CACHE, 't', v);
    await items.next(3);
    expect(emulator.endStreams({ code: status.UNAVAILABLE, details: 'going away' })).toBe(1);
    for (const v of ['4', '5']) emulator.publish(CACHE, 't', v);
    await emulator.waitFor(() => emulator.stats().openStreams === 1, 'the SDK to resubscribe');
    emulator.publish(CACHE, 't', '6');
    const all = await items.next(6);
    expect(all.map((i) => i.value)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(sequence(all)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(emulator.subscribeRequests.map((r) => r.resumeAtSequenceNumber)).toEqual([0, 4]);
    expect(items.completed).toBe(false);
  });

  it('dropped connections and OK ends are recovered in order, without completing', async () => {
    const emulator = await bed.emulator();
    const items = bed.record(topicItems(bed.client(emulator), CACHE, 't'));
    await emulator.waitFor(() => emulator.stats().openStreams === 1);
    emulator.publish(CACHE, 't', 'a');
    await items.next(1);
    emulator.dropConnections();
    emulator.publish(CACHE, 't', 'b');
    await emulator.waitFor(() => emulator.subscribeRequests.length === 2 && emulator.stats().openStreams === 1, 'a resubscribe');
    emulator.endStreams({ code: status.OK });
    emulator.publish(CACHE, 't', 'c');
    await emulator.waitFor(() => emulator.subscribeRequests.length === 3 && emulator.stats().openStreams === 1, 'a second resubscribe');
    emulator.publish(CACHE, 't', 'd');
    expect((await items.next(4)).map((i) => i.value)).toEqual(['a', 'b', 'c', 'd']);
    expect(items.completed).toBe(false);
  });

  it('survives the SDK cutting the first stream at the client timeout', async () => {
    const emulator = await bed.emulator();
    const items = bed.record(topicItems(bed.client(emulator, { clientTimeoutMs: 250 }), CACHE, 't'));
    await emulator.waitFor(() => emulator.stats().openStreams === 1);
    emulator.publish(CACHE, 't', 'before');
    await emulator.waitFor(() => emulator.subscribeRequests.length === 2, 'the deadline to cut the first stream');
    emulator.publish(CACHE, 't', 'after');
    expect((await items.next(2)).map((i) => i.value)).toEqual(['before', 'after']);
    expect(emulator.subscribeRequests[1]!.resumeAtSequenceNumber).toBe(2);
  });

  it('surfaces a discontinuity from the service (lost numbers and a new page)', async () => {
    const emulator = await bed.emulator({ initialSequencePage: 3 });
    const events = bed.record(topicEvents(bed.client(emulator), CACHE, 't'));
    await emulator.waitFor(() => emulator.stats().openStreams === 1);
    emulator.publish(CACHE, 't', 'one');
    emulator.discontinuity(CACHE, 't', { skip: 5 });
    emulator.publish(CACHE, 't', 'seven');
    emulator.discontinuity(CACHE, 't', { resetPage: true });
    emulator.publish(CACHE, 't', 'fresh');
    const seen = await events.next(5, (e) => e.type !== 'heartbeat');
    expect(seen).toEqual([
      { type: 'item', value: 'one', sequenceNumber: 1, sequencePage: 3, publisherId: '' },
      { type: 'discontinuity', lastSequenceNumber: 1, newSequenceNumber: 6, newSequencePage: 3, origin: 'service' },
      { type: 'item', value: 'seven', sequenceNumber: 7, sequencePage: 3, publisherId: '' },
      { type: 'discontinuity', lastSequenceNumber: 7, newSequenceNumber: 0, newSequencePage: 4, origin: 'service' },
      { type: 'item', value: 'fresh', sequenceNumber: 1, sequencePage: 4, publisherId: '' },
    ]);
  });

  it('reports a discontinuity when the resume buffer no longer holds the missed items', async () => {
    const emulator = await bed.emulator({ retainedItems: 2 });
    const events = bed.record(topicEvents(bed.client(emulator), CACHE, 't'));
    await emulator.waitFor(() => emulator.stats().openStreams === 1);
    emulator.publish(CACHE, 't', '1');
    await events.next(1, isItem);
    const resume = emulator.stall();
    emulator.endStreams({ code: status.UNAVAILABLE });
    for (const v of ['2', '3', '4', '5']) emulator.publish(CACHE, 't', v);
    resume();
    const seen = await events.next(4, (e) => e.type !== 'heartbeat');
    expect(seen).toEqual([
      { type: 'item', value: '1', sequenceNumber: 1, sequencePage: 1, publisherId: '' },
      { type: 'discontinuity', lastSequenceNumber: 1, newSequenceNumber: 3, newSequencePage: 1, origin: 'service' },
      { type: 'item', value: '4', sequenceNumber: 4, sequencePage: 1, publisherId: '' },
      { type: 'item', value: '5', sequenceNumber: 5, sequencePage: 1, publisherId: '' },
    ]);
  });

  it('an authentication failure on subscribe is terminal and not retried', async () => {
    const emulator = await bed.emulator();
    emulator.rejectCredentials();
    let refusals = 0;
    emulator.events$.subscribe((e) => (refusals += e.type === 'refused' ? 1 : 0));
    const events = bed.record(topicEvents(bed.client(emulator), CACHE, 't', { retry: fast }));
    const error = await events.failure();
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toContain('AUTHENTICATION_ERROR');
    expect(refusals).toBe(1);
  });

  it('an authentication or permission failure mid-stream ends the Observable with the typed error', async () => {
    const emulator = await bed.emulator();
    const client = bed.client(emulator);
    const auth = bed.record(topicItems(client, CACHE, 'a', { retry: fast }));
    const permission = bed.record(topicItems(client, CACHE, 'p', { retry: fast }));
    await emulator.waitFor(() => emulator.stats().openStreams === 2);
    emulator.endStreams({ code: status.UNAUTHENTICATED }, { topic: 'a' });
    emulator.endStreams({ code: status.PERMISSION_DENIED }, { topic: 'p' });
    expect(await auth.failure()).toBeInstanceOf(AuthenticationError);
    expect(await permission.failure()).toBeInstanceOf(PermissionError);
    expect(emulator.subscribeRequests).toHaveLength(2);
  });

  it('an unknown cache ends it with a terminal ApiError', async () => {
    const emulator = await bed.emulator({ caches: ['known'] });
    const error = await bed.record(topicItems(bed.client(emulator), 'missing', 't', { retry: fast })).failure();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ retryable: false, body: { errorCode: 'NOT_FOUND_ERROR' } });
  });

  it('retries a retryable failure of the first subscribe through retryBackoff', async () => {
    const emulator = await bed.emulator();
    emulator.failNext(2, { endpoint: 'subscribe', code: status.UNAVAILABLE });
    const attempts: number[] = [];
    const items = bed.record(topicItems(bed.client(emulator), CACHE, 't', { retry: { ...fast, onRetry: (a) => attempts.push(a.attempt) } }));
    await emulator.waitFor(() => emulator.stats().openStreams === 1, 'the third attempt to succeed');
    emulator.publish(CACHE, 't', 'finally');
    expect((await items.next(1))[0]!.value).toBe('finally');
    expect(attempts).toEqual([1, 2]);
  });

  it('retries a first subscribe that timed out on a stalled service', async () => {
    const emulator = await bed.emulator();
    const resume = emulator.stall();
    const errors: unknown[] = [];
    const items = bed.record(
      topicItems(bed.client(emulator, { clientTimeoutMs: 150 }), CACHE, 't', {
        retry: { ...fast, onRetry: (a) => {
          errors.push(a.error);
          resume();
        } },
      }),
    );
    await emulator.waitFor(() => errors.length === 1 && emulator.stats().openStreams === 1, 'the retried subscribe');
    expect(errors[0]).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    emulator.publish(CACHE, 't', 'ok');
    expect((await items.next(1))[0]!.value).toBe('ok');
  });

  it('after a CANCELLED from the service, resubscribes itself and reports the items it could not get back', async () => {
    const emulator = await bed.emulator();
    const events = bed.record(topicEvents(bed.client(emulator), CACHE, 't', { retry: fast }));
    await emulator.waitFor(() => emulator.stats().openStreams === 1);
    emulator.publish(CACHE, 't', 'a');
    await events.next(1, isItem);
    const resume = emulator.stall();
    emulator.endStreams({ code: status.CANCELLED });
    emulator.publish(CACHE, 't', 'lost');
    resume();
    await emulator.waitFor(() => emulator.subscribeRequests.length === 2 && emulator.stats().openStreams === 1, 'a fresh subscription');
    expect(emulator.subscribeRequests[1]!.resumeAtSequenceNumber).toBe(0);
    emulator.publish(CACHE, 't', 'b');
    const seen = await events.next(3, (e) => e.type !== 'heartbeat');
    expect(seen).toEqual([
      { type: 'item', value: 'a', sequenceNumber: 1, sequencePage: 1, publisherId: '' },
      { type: 'discontinuity', lastSequenceNumber: 1, newSequenceNumber: 2, newSequencePage: undefined, origin: 'resubscribe' },
      { type: 'item', value: 'b', sequenceNumber: 3, sequencePage: 1, publisherId: '' },
    ]);
  });
});
