import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../src/core/connection-state.js';
import { topicEvents, topicItems, type TopicEvent, type TopicItemEvent } from '../../src/momento/index.js';
import { MomentoTestBed } from './harness.js';

const CACHE = 'cache';
const isItem = (e: TopicEvent): e is TopicItemEvent => e.type === 'item';

describe('topicEvents / topicItems against the emulator (real SDK, real sockets)', () => {
  const bed = new MomentoTestBed();
  afterEach(() => bed.cleanup());

  it('delivers items in order with sequence numbers, string and binary values', async () => {
    const emulator = await bed.emulator({ publisherId: 'token-1' });
    const client = bed.client(emulator);
    const items = bed.record(topicItems(client, CACHE, 'orders'));
    await emulator.waitFor(() => emulator.stats().openStreams === 1);
    expect(emulator.subscribeRequests[0]).toMatchObject({ cacheName: CACHE, topic: 'orders', resumeAtSequenceNumber: 0 });
    await client.publish(CACHE, 'orders', 'first');
    await client.publish(CACHE, 'orders', new Uint8Array([1, 2, 3]));
    emulator.publish(CACHE, 'orders', 'third', { publisherId: 'other' });
    const received = await items.next(3);
    expect(received).toEqual([
      { type: 'item', value: 'first', sequenceNumber: 1, sequencePage: 1, publisherId: 'token-1' },
      { type: 'item', value: new Uint8Array([1, 2, 3]), sequenceNumber: 2, sequencePage: 1, publisherId: 'token-1' },
      { type: 'item', value: 'third', sequenceNumber: 3, sequencePage: 1, publisherId: 'other' },
    ]);
    expect(typeof received[0]!.value).toBe('string');
    expect(received[1]!.value).toBeInstanceOf(Uint8Array);
  });

  it('emits the first heartbeat and periodic heartbeats as events; items carry no heartbeat', async () => {
    const emulator = await bed.emulator({ heartbeatIntervalMs: 20 });
    const events = bed.record(topicEvents(bed.client(emulator), CACHE, 'beats'));
    const beats = await events.next(3, (e) => e.type === 'heartbeat');
    expect(beats).toEqual([{ type: 'heartbeat' }, { type: 'heartbeat' }, { type: 'heartbeat' }]);
    emulator.publish(CACHE, 'beats', 'x');
    await events.next(1, isItem);
    expect(events.values.filter(isItem)).toHaveLength(1);
  });

  it('keeps topics apart and gives each subscriber its own SDK subscription', async () => {
    const emulator = await bed.emulator();
    const client = bed.client(emulator);
    const a1 = bed.record(topicItems(client, CACHE, 'a'));
    const a2 = bed.record(topicItems(client, CACHE, 'a'));
    const b = bed.record(topicItems(client, CACHE, 'b'));
    await emulator.waitFor(() => emulator.stats().openStreams === 3);
    emulator.publish(CACHE, 'b', 'for-b');
    emulator.publish(CACHE, 'a', 'for-a');
    expect((await a1.next(1))[0]!.value).toBe('for-a');
    expect((await a2.next(1))[0]!.value).toBe('for-a');
    expect((await b.next(1))[0]!.value).toBe('for-b');
    expect(b.values).toHaveLength(1);
  });

  it('unsubscribing cancels the stream on the emulator, reports closed and leaves no timer', async () => {
    const emulator = await bed.emulator({ heartbeatIntervalMs: 10 });
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    const states: ConnectionState[] = [];
    const events = bed.record(topicEvents(bed.client(emulator), CACHE, 't', { onStateChange: (s) => states.push(s) }));
    await events.next(2);
    expect(timers()).toBeGreaterThan(timersBefore);
    const closed = new Promise((resolve) => {
      const sub = emulator.events$.subscribe((e) => {
        if (e.type === 'stream-closed') {
          sub.unsubscribe();
          resolve(e);
        }
      });
    });
    events.unsubscribe();
    expect(await closed).toMatchObject({ type: 'stream-closed', reason: 'cancelled' });
    expect(emulator.stats().openStreams).toBe(0);
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    expect(states).toEqual(['connecting', 'open', 'closed']);
    expect(events.completed).toBe(false);
    expect(events.error).toBeUndefined();
  });

  it('unsubscribing before subscribe() resolved leaves no subscription behind', async () => {
    const emulator = await bed.emulator();
    const resume = emulator.stall();
    const events = bed.record(topicEvents(bed.client(emulator), CACHE, 'race'));
    await emulator.waitFor(() => emulator.stats().openStreams === 1, 'the subscribe call to arrive');
    events.unsubscribe();
    resume();
    await emulator.waitFor(() => emulator.stats().openStreams === 0, 'the late subscription to be cancelled');
    expect(events.values).toEqual([]);
  });

  it('holds no timer after unsubscribing during a resubscribe wait', async () => {
    const emulator = await bed.emulator();
    emulator.failNext(1, { endpoint: 'subscribe', code: 14 });
    let retried!: () => void;
    const firstRetry = new Promise<void>((resolve) => (retried = resolve));
    const pending = new Set<ReturnType<typeof setTimeout>>();
    const scheduler = countingScheduler(pending);
    const events = bed.record(
      topicEvents(bed.client(emulator), CACHE, 't', { retry: { initialDelay: 60_000, scheduler, onRetry: () => retried() } }),
    );
    await firstRetry;
    await Promise.resolve();
    expect(pending.size).toBe(1);
    events.unsubscribe();
    expect(pending.size).toBe(0);
  });
});

/** An asyncScheduler stand-in whose pending timers are visible. */
function countingScheduler(pending: Set<ReturnType<typeof setTimeout>>) {
  return {
    now: () => Date.now(),
    schedule<T>(work: (this: unknown, state?: T) => void, delay = 0, state?: T) {
      const handle = setTimeout(() => {
        pending.delete(handle);
        work.call(undefined, state);
      }, delay);
      pending.add(handle);
      const subscription = {
        closed: false,
        unsubscribe: () => {
          subscription.closed = true;
          clearTimeout(handle);
          pending.delete(handle);
        },
        add: () => {},
        remove: () => {},
      };
      return subscription as unknown as import('rxjs').Subscription;
    },
  };
}
