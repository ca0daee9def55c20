import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, Subscription } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { mixi2Webhook, mixi2WebhookHandler, type Event } from '../../src/mixi2/index.js';
import { buildChatMessageReceivedEvent, buildPingEvent, buildPostCreatedEvent, startMixi2Emulator, type Mixi2Emulator } from '../../src/testing/mixi2/index.js';
import { until } from './harness.js';

let emulator: Mixi2Emulator;
let subscription: Subscription;
let url: string;
let received: Event[];

async function listen(options: Partial<Parameters<typeof mixi2Webhook>[0]> = {}): Promise<void> {
  received = [];
  let resolveUrl: (u: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => (resolveUrl = resolve));
  subscription = mixi2Webhook({ publicKey: emulator.webhookPublicKey, host: '127.0.0.1', port: 0, onListening: resolveUrl, ...options }).subscribe((e) =>
    received.push(e),
  );
  url = await ready;
}

beforeEach(async () => {
  emulator = await startMixi2Emulator({ pingInterval: Infinity });
});
afterEach(async () => {
  subscription?.unsubscribe();
  await emulator.close();
});

const now = (): number => Math.floor(Date.now() / 1000);

describe('mixi2Webhook', () => {
  it('answers 204 to a valid delivery and emits its non-ping events in order', async () => {
    await listen();
    const status = await emulator.sendWebhook(url, [buildPostCreatedEvent({}, { eventId: 'a' }), buildPingEvent(), buildChatMessageReceivedEvent({}, { eventId: 'b' })]);
    expect(status).toBe(204);
    await until(() => received.length === 2);
    expect(received.map((e) => e.eventId)).toEqual(['a', 'b']);
  });

  it('answers 204 to a ping-only delivery (portal verification) and emits nothing', async () => {
    await listen();
    expect(await emulator.sendWebhook(url, [buildPingEvent()])).toBe(204);
    expect(received).toEqual([]);
  });

  it('answers 401 to a bad, missing or malformed signature', async () => {
    await listen();
    const event = buildPostCreatedEvent();
    expect(await emulator.sendWebhook(url, [event], { tamper: true })).toBe(401);
    expect(await emulator.sendWebhook(url, [event], { signature: Buffer.alloc(64, 1).toString('base64') })).toBe(401);
    expect(await emulator.sendWebhook(url, [event], { signature: 'not base64!' })).toBe(401);
    expect(await emulator.sendWebhook(url, [event], { signature: '' })).toBe(401);
    expect(await emulator.sendWebhook(url, [event], { omit: 'signature' })).toBe(401);
    expect(await emulator.sendWebhook(url, [event], { omit: 'timestamp' })).toBe(401);
    expect(received).toEqual([]);
  });

  it('answers 401 to stale and future timestamps, 204 inside the 300 s window', async () => {
    await listen();
    expect(await emulator.sendWebhook(url, [buildPostCreatedEvent()], { timestamp: now() - 310 })).toBe(401);
    expect(await emulator.sendWebhook(url, [buildPostCreatedEvent()], { timestamp: now() + 310 })).toBe(401);
    expect(await emulator.sendWebhook(url, [buildPostCreatedEvent()], { timestamp: now() - 290 })).toBe(204);
    await until(() => received.length === 1);
  });

  it('honours a custom tolerance', async () => {
    await listen({ toleranceSeconds: 10 });
    expect(await emulator.sendWebhook(url, [buildPostCreatedEvent()], { timestamp: now() - 60 })).toBe(401);
  });

  it('drops replayed and duplicate deliveries by event_id', async () => {
    await listen();
    const event = buildPostCreatedEvent({}, { eventId: 'dup' });
    expect(await emulator.sendWebhook(url, [event])).toBe(204);
    expect(await emulator.replayWebhook()).toBe(204);
    expect(await emulator.sendWebhook(url, [event, buildPostCreatedEvent({}, { eventId: 'new' })])).toBe(204);
    await until(() => received.length === 2);
    expect(received.map((e) => e.eventId)).toEqual(['dup', 'new']);
  });

  it('answers 413 to an oversized body and 400 to a signed body that is not a SendEventRequest', async () => {
    await listen({ maxBodyBytes: 1024 });
    expect(await emulator.sendWebhook(url, [buildPostCreatedEvent({ text: 'x'.repeat(2000) })])).toBe(413);
    expect(await emulator.sendWebhook(url, [], { body: Uint8Array.from([0x0a, 0xff, 0xff, 0xff]) })).toBe(400);
    expect(received).toEqual([]);
  });

  it('answers 405 to other methods and 200 on /healthz', async () => {
    await listen();
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url.replace('/events', '/healthz'))).status).toBe(200);
  });

  it('stops listening on unsubscribe', async () => {
    await listen();
    subscription.unsubscribe();
    await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
  });

  it('errors with InvalidArgumentError when the port is taken', async () => {
    await listen();
    const port = Number(new URL(url).port);
    const error = await firstValueFrom(mixi2Webhook({ publicKey: emulator.webhookPublicKey, host: '127.0.0.1', port })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  it('rejects a public key that is not 32 Base64 bytes', () => {
    expect(() => mixi2WebhookHandler({ publicKey: 'abc' })).toThrow(InvalidArgumentError);
  });
});

describe('mixi2WebhookHandler on an existing server', () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies and emits, and answers 503 while nobody subscribes', async () => {
    const hook = mixi2WebhookHandler({ publicKey: emulator.webhookPublicKey });
    server = createServer((req, res) => hook.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    expect(await emulator.sendWebhook(target, [buildPostCreatedEvent()])).toBe(503);
    const got: Event[] = [];
    subscription = hook.events$.subscribe((e) => got.push(e));
    expect(await emulator.sendWebhook(target, [buildPostCreatedEvent({}, { eventId: 'h1' })])).toBe(204);
    await until(() => got.length === 1);
    expect(got[0]?.eventId).toBe('h1');
    server.closeAllConnections();
  });
});
