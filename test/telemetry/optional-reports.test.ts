// The optional reports of Telemetry through otelTelemetry: rate-governor queue depth, retries, skipped Misskey
// frames and dropped outbound messages; and a Telemetry without them keeps working.
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Telemetry } from '../../src/index.js';
import { overflowOutboundDuringOutage, Rig, until } from '../misskey/helpers.js';
import { startWorld, type World } from '../mixi2/harness.js';
import { otelHarness } from './otel-harness.js';

const rig = new Rig();
let world: World | undefined;
afterEach(async () => {
  await rig.dispose();
  await world?.close();
  world = undefined;
});

const misskey = { 'streamrx.source': 'misskey' };

describe('optional telemetry reports', () => {
  it('counts Misskey frames skipped by reason', async () => {
    const otel = otelHarness();
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { telemetry: otel.telemetry });
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    for (const junk of ['not json', '{"type":"channel"}', '{"type":"whatever","body":{}}']) emulator.sendRaw(junk);
    emulator.createNote('alice', { text: 'after the junk' });
    await local.count(1);
    expect(await otel.value('streamrx.frames.skipped', { ...misskey, 'streamrx.frame.skip_reason': 'malformed' })).toBe(2);
    expect(await otel.value('streamrx.frames.skipped', { ...misskey, 'streamrx.frame.skip_reason': 'unknown' })).toBe(1);
  });

  it('counts outbound Misskey messages dropped from the full queue during an outage', async () => {
    const otel = otelHarness();
    await overflowOutboundDuringOutage(rig, { telemetry: otel.telemetry });
    expect(await otel.value('streamrx.outbound.dropped', misskey)).toBe(3);
  });

  it('counts Misskey HTTP retries by endpoint and reason', async () => {
    const otel = otelHarness();
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { telemetry: otel.telemetry, http: { retry: { initialDelay: 1, maxDelay: 1, maxRetries: 3 } } });
    emulator.rateLimitNext(1, { endpoint: 'notes/create', retryAfterSeconds: 0.01 });
    await firstValueFrom(client.api('notes/create', { text: 'after a 429' }));
    emulator.failNext(2, { endpoint: 'notes/create' });
    await firstValueFrom(client.api('notes/create', { text: 'after two 500s' }));
    const create = { ...misskey, 'streamrx.operation': 'notes/create' };
    expect(await otel.value('streamrx.retries', { ...create, 'streamrx.retry.reason': 'rate_limited' })).toBe(1);
    expect(await otel.value('streamrx.retries', { ...create, 'streamrx.retry.reason': 'error' })).toBe(2);
  });

  it("tracks the Misskey rate governor's queue depth: up while a call waits, down when it leaves", async () => {
    const otel = otelHarness();
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { telemetry: otel.telemetry, http: { rateLimits: { 'notes/create': [{ limit: 1, window: 60_000 }] } } });
    await firstValueFrom(client.api('notes/create', { text: 'spends the window' }));
    const waiting = client.api('notes/create', { text: 'waits a minute' }).subscribe({ error: () => undefined });
    expect(await otel.value('streamrx.rate_limit.queued', misskey)).toBe(1);
    waiting.unsubscribe();
    expect(await otel.value('streamrx.rate_limit.queued', misskey)).toBe(0);
  });

  it('counts mixi2 RESOURCE_EXHAUSTED retries and the governor queue the hold built', async () => {
    const otel = otelHarness();
    world = await startWorld({ client: { telemetry: otel.telemetry } });
    const { emulator, client } = world;
    emulator.rateLimitNext(1, { endpoint: 'CreatePost', retryAfterSeconds: 0.05 });
    await firstValueFrom(client.api.createPost({ text: 'retried once' }));
    expect(await otel.value('streamrx.retries', { 'streamrx.source': 'mixi2', 'streamrx.operation': 'createPost', 'streamrx.retry.reason': 'rate_limited' })).toBe(1);
    // The retry waited out the hold in the governor's queue, and left it.
    expect(await otel.value('streamrx.rate_limit.wait.duration', { 'streamrx.source': 'mixi2' })).toBe(1);
    expect(await otel.value('streamrx.rate_limit.queued', { 'streamrx.source': 'mixi2' })).toBe(0);
  });

  it('lets a Telemetry without the optional methods work as before', async () => {
    let received = 0;
    const minimal: Telemetry = {
      eventsReceived: (_source, n) => (received += n),
      eventsDelivered: () => undefined,
      connectionChanged: () => undefined,
      gapReported: () => undefined,
      gapFilled: () => undefined,
      callFinished: () => undefined,
      rateLimitWaited: () => undefined,
      webhookDelivery: () => undefined,
    };
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { telemetry: minimal, http: { retry: { initialDelay: 1, maxDelay: 1, maxRetries: 1 } } });
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    emulator.sendRaw('not json');
    emulator.failNext(1, { endpoint: 'notes/create' });
    await firstValueFrom(client.api('notes/create', { text: 'retried' }));
    await local.count(1);
    expect(received).toBe(1);
  });
});
