import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '../../src/mixi2/protocol.js';
import { buildChatMessageReceivedEvent } from '../../src/testing/mixi2/builders.js';
import { startMixi2Emulator, type Mixi2Emulator } from '../../src/testing/mixi2/emulator.js';
import { startMomentoCacheEmulator, type MomentoCacheEmulator } from '../../src/testing/momento-cache/index.js';
import { bundleChildren, Child, killAllChildren, removeBundles, runningChildren } from './child.js';
import { Ledger } from './ledger.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';

const CACHE = 'cache';
const RECEIVERS = 3;
const EVENTS = 300;
const LANES = 8;
const MAX_ATTEMPTS = 4; // mixi2: the first delivery and up to 3 retries

let mixi2: Mixi2Emulator;
let cache: MomentoCacheEmulator;
let proxy: RoundRobinProxy | undefined;

afterAll(removeBundles);

beforeAll(() => bundleChildren(['webhook-receiver-process.ts']), 30_000);

beforeEach(async () => {
  [mixi2, cache] = await Promise.all([startMixi2Emulator(), startMomentoCacheEmulator()]);
});

afterEach(async () => {
  await killAllChildren();
  expect(runningChildren()).toBe(0);
  await Promise.all([mixi2.close(), cache.close(), proxy?.close()]);
});

async function startReceiver(index: number, ledger: Ledger): Promise<{ child: Child; url: string }> {
  const child = new Child('webhook-receiver-process.ts', {
    RECEIVER_INDEX: String(index),
    CACHE_PORT: String(cache.port),
    CACHE_NAME: CACHE,
    WEBHOOK_PUBLIC_KEY: mixi2.webhookPublicKey,
  });
  child.onMessage((message) => {
    if (message.type === 'failed') ledger.fail(`receiver ${index} failed: ${String(message.error)}`);
    ledger.record(message);
  });
  const listening = await child.next((message) => message.type === 'listening');
  return { child, url: String(listening.url) };
}

/** Delivers one event as mixi2 does: retried until answered 2xx (at most 4 attempts), here once more besides. */
async function deliver(event: Event): Promise<number> {
  let attempts = 0;
  let status = 0;
  while (attempts < MAX_ATTEMPTS && (status < 200 || status >= 300)) {
    status = await mixi2.sendWebhook(`${proxy!.url}/events`, [event]);
    attempts += 1;
  }
  // A retry after a timeout that in fact had reached a receiver: the same event_id once more.
  await mixi2.sendWebhook(`${proxy!.url}/events`, [event]);
  return attempts + 1;
}

describe('horizontally scaled webhooks: three receiver processes behind a round-robin proxy', () => {
  it('handles every event exactly once across the receivers, whatever the retries', async () => {
    const ledger = new Ledger();
    const receivers = await Promise.all(Array.from({ length: RECEIVERS }, (_, i) => startReceiver(i, ledger)));
    proxy = await startRoundRobinProxy(
      receivers.map((r) => new URL(r.url).origin),
      { loseEveryNthAnswer: 5 },
    );
    const events = Array.from({ length: EVENTS }, (_, i) => buildChatMessageReceivedEvent({}, { eventId: `chat-${i}` }));

    let deliveries = 0;
    const queue = [...events];
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        for (let event = queue.shift(); event; event = queue.shift()) {
          const sent = await deliver(event);
          deliveries += sent;
        }
      }),
    );
    await ledger.reach(EVENTS);
    await Promise.all(
      receivers.map(({ child }) => {
        const drained = child.next((message) => message.type === 'drained');
        child.send({ type: 'drain' });
        return drained;
      }),
    );

    expect(ledger.handledBy.size).toBe(EVENTS);
    expect([...ledger.handledBy.values()].filter((by) => by.length !== 1)).toEqual([]);
    expect(ledger.total).toBe(EVENTS);
    expect(cache.stats.setIfStored).toBe(EVENTS);
    expect(cache.stats.setIfNotStored).toBeGreaterThan(0); // repeats that reached another process
    expect(deliveries).toBeGreaterThan(2 * EVENTS); // every event at least twice, lost answers retried
    for (let r = 0; r < RECEIVERS; r++) expect([...ledger.handledBy.values()].some(([by]) => by === r)).toBe(true);
    expect(proxy.forwarded.reduce((a, b) => a + b, 0)).toBe(deliveries);
  }, 60_000);
});
