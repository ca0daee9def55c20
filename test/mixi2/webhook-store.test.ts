import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileCursorStore, InvalidArgumentError, type CursorStore } from '../../src/index.js';
import { mixi2Webhook, mixi2WebhookHandler, type Event } from '../../src/mixi2/index.js';
import { buildPostCreatedEvent, startMixi2Emulator, type Mixi2Emulator } from '../../src/testing/mixi2/index.js';

let emulator: Mixi2Emulator;
let dir: string;
const running: Subscription[] = [];

/** One receiver "process": a webhook server with its own store object on the shared file. */
async function receiver(store: CursorStore): Promise<{ url: string; received: Event[]; stop: () => void }> {
  const received: Event[] = [];
  let resolveUrl: (u: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => (resolveUrl = resolve));
  const subscription = mixi2Webhook({ publicKey: emulator.webhookPublicKey, host: '127.0.0.1', port: 0, onListening: resolveUrl, store: { cursorStore: store } }).subscribe((e) =>
    received.push(e),
  );
  running.push(subscription);
  return { url: await ready, received, stop: () => subscription.unsubscribe() };
}

beforeEach(async () => {
  emulator = await startMixi2Emulator({ pingInterval: Infinity });
  dir = mkdtempSync(join(tmpdir(), 'streamrx-webhook-'));
});
afterEach(async () => {
  for (const s of running.splice(0)) s.unsubscribe();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('mixi2Webhook with a store: the duplicate window survives a restart', () => {
  it('acknowledges a delivery retried after a restart (204) without emitting it again', async () => {
    const path = join(dir, 'state.json');
    const first = await receiver(fileCursorStore(path));
    const event = buildPostCreatedEvent({}, { eventId: 'e-1' });
    expect(await emulator.sendWebhook(first.url, [event])).toBe(204);
    expect(first.received.map((e) => e.eventId)).toEqual(['e-1']);
    first.stop();

    // A new process: a new store object on the same file, a new server.
    const second = await receiver(fileCursorStore(path));
    expect(await emulator.sendWebhook(second.url, [event, buildPostCreatedEvent({}, { eventId: 'e-2' })])).toBe(204);
    expect(second.received.map((e) => e.eventId)).toEqual(['e-2']);
  });

  it('answers 503 (so mixi2 retries) when the window cannot be stored, after emitting the event', async () => {
    const failing: CursorStore = { read: () => Promise.resolve(undefined), write: () => Promise.reject(new Error('disk full')) };
    const one = await receiver(failing);
    expect(await emulator.sendWebhook(one.url, [buildPostCreatedEvent({}, { eventId: 'x' })])).toBe(503);
    expect(one.received.map((e) => e.eventId)).toEqual(['x']);
  });

  it('refuses a store without de-duplication', () => {
    expect(() => mixi2WebhookHandler({ publicKey: emulator.webhookPublicKey, dedupe: false, store: { cursorStore: fileCursorStore(join(dir, 's.json')) } })).toThrow(
      InvalidArgumentError,
    );
  });
});
