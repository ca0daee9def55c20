// mixi2 through otelTelemetry against the emulator: the event stream, the API, uploads and the webhook.
import { firstValueFrom, lastValueFrom, Subscription, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { RateLimitError } from '../../src/core/errors.js';
import { mixi2Webhook } from '../../src/mixi2/index.js';
import { buildPingEvent, buildPostCreatedEvent } from '../../src/testing/mixi2/index.js';
import { fastPolicy, startWorld, until, type World } from '../mixi2/harness.js';
import { otelHarness, type OtelHarness } from './otel-harness.js';
import { expectNoSecrets } from './no-secrets.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const mixi2 = { 'streamrx.source': 'mixi2' };

async function observedWorld(otel: OtelHarness, rateLimits?: { retryRateLimited: boolean }): Promise<World> {
  return startWorld({ client: { telemetry: otel.telemetry, ...(rateLimits ? { rateLimits } : {}) } });
}

describe('mixi2 telemetry', () => {
  it('counts messages received (pings included) and events delivered, the open stream, a reconnect and its gap', async () => {
    const otel = otelHarness();
    world = await observedWorld(otel);
    const { emulator, client } = world;
    const got = world.collect(client.events({ reconnect: fastPolicy }));
    await emulator.waitForStreams(1);
    emulator.push([buildPostCreatedEvent({}, { eventId: 'a' }), buildPingEvent('p'), buildPostCreatedEvent({}, { eventId: 'b' })]);
    await until(() => got.values.length === 2, 'two events');
    expect(await otel.value('streamrx.events.received', mixi2)).toBe(3);
    expect(await otel.value('streamrx.events.delivered', mixi2)).toBe(2);
    expect(await otel.value('streamrx.connections', { ...mixi2, 'streamrx.connection.state': 'open' })).toBe(1);

    emulator.dropConnections();
    await emulator.waitForStreams(0);
    await emulator.waitForStreams(1);
    emulator.push(buildPostCreatedEvent({}, { eventId: 'c' }));
    await until(() => got.values.length === 3, 'the event after the reconnect');
    expect(await otel.value('streamrx.reconnects', mixi2)).toBe(1);
    expect(await otel.value('streamrx.gaps', mixi2)).toBe(1);
    expect(await otel.value('streamrx.connections', { ...mixi2, 'streamrx.connection.state': 'open' })).toBe(1);
    expect(await otel.value('streamrx.connections', { ...mixi2, 'streamrx.connection.state': 'reconnecting' })).toBe(0);

    got.subscription.unsubscribe();
    expect(await otel.value('streamrx.connections', mixi2)).toBe(0);
  });

  it('times each RPC by method and outcome, spans it, and records the rate-limit wait that followed a RESOURCE_EXHAUSTED', async () => {
    const otel = otelHarness();
    world = await observedWorld(otel, { retryRateLimited: false });
    const { emulator, client } = world;
    await firstValueFrom(client.api.createPost({ text: 'one' }));
    emulator.rateLimitNext(1, { endpoint: 'CreatePost', retryAfterSeconds: 0.05 });
    await expect(firstValueFrom(client.api.createPost({ text: 'two' }))).rejects.toBeInstanceOf(RateLimitError);
    await firstValueFrom(client.api.createPost({ text: 'three' }));

    expect(await otel.value('rpc.client.call.duration', { 'rpc.method': 'CreatePost', 'streamrx.outcome': 'ok' })).toBe(2);
    expect(await otel.value('rpc.client.call.duration', { 'rpc.method': 'CreatePost', 'streamrx.outcome': 'rate_limited', 'error.type': 'RateLimitError' })).toBe(1);
    expect(await otel.value('streamrx.rate_limit.wait.duration', { ...mixi2, 'streamrx.operation': 'createPost' })).toBe(1);
    const spans = otel.spans().filter((span) => span.name === 'ApplicationService/CreatePost');
    expect(spans).toHaveLength(3);
    expect(spans.every((span) => span.kind === SpanKind.CLIENT && span.attributes['rpc.system'] === 'grpc')).toBe(true);
    await expectNoSecrets(otel, [emulator.clientSecret, ...tokensOf(world)]);
  });

  it('spans an upload as a whole, without its upload URL', async () => {
    const otel = otelHarness();
    world = await observedWorld(otel);
    const { client } = world;
    await lastValueFrom(client.uploadMedia({ data: new Uint8Array(1024), contentType: 'image/png' }, { polling: { initialDelay: 1, maxDelay: 2 } }).pipe(toArray()));
    const upload = otel.spans().find((span) => span.name === 'upload ApplicationService/uploadMedia');
    expect(upload?.attributes['streamrx.outcome']).toBe('ok');
    expect(await otel.value('rpc.client.call.duration', { 'rpc.method': 'InitiatePostMediaUpload' })).toBe(1);
    await expectNoSecrets(otel, ['http://', 'https://', ...tokensOf(world)]);
  });
});

describe('mixi2 webhook telemetry', () => {
  let subscription: Subscription | undefined;
  afterEach(() => subscription?.unsubscribe());

  it('counts deliveries by outcome: accepted, duplicate, bad signature, stale, too large', async () => {
    const otel = otelHarness();
    world = await observedWorld(otel);
    const { emulator } = world;
    const url = await new Promise<string>((resolve) => {
      subscription = mixi2Webhook({ publicKey: emulator.webhookPublicKey, host: '127.0.0.1', port: 0, maxBodyBytes: 4096, onListening: resolve, telemetry: otel.telemetry }).subscribe();
    });
    const event = buildPostCreatedEvent({}, { eventId: 'w1' });
    expect(await emulator.sendWebhook(url, [event])).toBe(204);
    expect(await emulator.replayWebhook()).toBe(204);
    expect(await emulator.sendWebhook(url, [event], { tamper: true })).toBe(401);
    expect(await emulator.sendWebhook(url, [event], { timestamp: Math.floor(Date.now() / 1000) - 3600 })).toBe(401);
    expect(await emulator.sendWebhook(url, [event], { body: new Uint8Array(8192) })).toBe(413);

    const outcome = (name: string) => otel.value('streamrx.webhook.deliveries', { 'streamrx.webhook.outcome': name });
    expect([await outcome('accepted'), await outcome('duplicate'), await outcome('bad_signature'), await outcome('stale'), await outcome('too_large')]).toEqual([1, 1, 1, 1, 1]);
    expect(await otel.value('http.server.request.duration', { 'http.response.status_code': 401 })).toBe(2);
    const servers = otel.spans().filter((span) => span.kind === SpanKind.SERVER);
    expect(servers).toHaveLength(5);
    const signatures = [emulator.webhookPublicKey];
    await expectNoSecrets(otel, signatures);
  });
});

/** The bearer tokens the calls carried. */
function tokensOf(w: World): string[] {
  return w.emulator.calls.flatMap((call) => (call.token === undefined ? [] : [call.token]));
}
