/**
 * Event-time benchmarks: streamrx's window operator against a hand-written Map-based aggregator doing the
 * same work on the same input, and the memory of KeyedState under a key bound.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Observable } from 'rxjs';
import { counting, KeyedState, tumblingWindows, withEventTime, type WindowResult } from '../src/index.js';
import type { Comparison } from './harness.js';

const EVENTS = 1_000_000;
const KEYS = 10_000;
const WINDOW = 10_000;
const MAX_LATENESS = 1_000;
const DISTINCT_KEYS = 1_000_000;
const KEY_BOUND = 100_000;

interface Event {
  key: number;
  time: number;
}

/**
 * One event per millisecond of event time over 10,000 keys; 1 % arrive out of order, up to 500 ms behind
 * (within the 1 s of bounded out-of-orderness, so both variants count every event).
 */
function buildEvents(): Event[] {
  let seed = 42;
  const random = (): number => ((seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  const events: Event[] = new Array(EVENTS);
  for (let i = 0; i < EVENTS; i++) {
    const late = random() < 0.01 ? Math.floor(random() * 500) : 0;
    events[i] = { key: Math.floor(random() * KEYS), time: Math.max(0, i - late) };
  }
  return events;
}

let events: Event[] = [];

/** What both variants hand out per window and key. */
interface Counted {
  key: number;
  start: number;
  end: number;
  count: number;
}

function perSecond(startedAt: bigint): number {
  return EVENTS / (Number(process.hrtime.bigint() - startedAt) / 1e9);
}

function checkTotal(total: number, who: string): void {
  if (total !== EVENTS) throw new Error(`${who} counted ${total} of ${EVENTS} events`);
}

/** The baseline: bounded out-of-orderness watermark and a Map of per-key counts per window, by hand. */
function handWritten(): number {
  const windows = new Map<number, Map<number, number>>();
  let maxTime = -Infinity;
  let watermark = -Infinity;
  let total = 0;
  const sink = (result: Counted): void => void (total += result.count);
  const fire = (upTo: number): void => {
    for (const [start, counts] of windows) {
      if (start + WINDOW > upTo) continue;
      for (const [key, count] of counts) sink({ key, start, end: start + WINDOW, count });
      windows.delete(start);
    }
  };
  const started = process.hrtime.bigint();
  for (const event of events) {
    const start = event.time - (event.time % WINDOW);
    if (start + WINDOW <= watermark) continue; // late: dropped
    let counts = windows.get(start);
    if (counts === undefined) windows.set(start, (counts = new Map()));
    counts.set(event.key, (counts.get(event.key) ?? 0) + 1);
    if (event.time > maxTime) {
      maxTime = event.time;
      if (maxTime - MAX_LATENESS > watermark) {
        watermark = maxTime - MAX_LATENESS;
        fire(watermark);
      }
    }
  }
  fire(Infinity);
  const rate = perSecond(started);
  checkTotal(total, 'the hand-written aggregator');
  return rate;
}

const source = new Observable<Event>((subscriber) => {
  for (let i = 0; i < events.length && !subscriber.closed; i++) subscriber.next(events[i]!);
  subscriber.complete();
});

/** The same work with withEventTime and tumblingWindows. */
function streamrxWindows(): number {
  let total = 0;
  const started = process.hrtime.bigint();
  source
    .pipe(
      withEventTime((e: Event) => e.time, { maxLateness: MAX_LATENESS }),
      tumblingWindows(WINDOW, { key: (e: Event) => e.key, aggregate: counting() }),
    )
    .subscribe((element) => {
      if (element.type === 'event') total += (element.value as WindowResult<number, number>).result;
    });
  const rate = perSecond(started);
  checkTotal(total, 'tumblingWindows');
  return rate;
}

/** A full garbage collection, so the heap holds only what is still referenced. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Heap retained (MB, after a full collection) by what `build` returns, kept alive until measured. */
function retainedMegabytes(build: () => unknown): number {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const kept = build();
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  if (kept === undefined) throw new Error('nothing retained');
  return (after - before) / 2 ** 20;
}

let boundedSize = 0;
let evicted = 0;

/** A KeyedState bounded at KEY_BOUND after `distinctKeys` keys went through it. */
function filledKeyedState(distinctKeys: number): KeyedState<number, number> {
  const bounded = new KeyedState<number, number>({ maxKeys: KEY_BOUND });
  for (let key = 0; key < distinctKeys; key++) bounded.set(key, key);
  if (distinctKeys === DISTINCT_KEYS) [boundedSize, evicted] = [bounded.size, bounded.evictions.capacity];
  if (bounded.size !== Math.min(distinctKeys, KEY_BOUND)) throw new Error(`KeyedState holds ${bounded.size} keys, bound ${KEY_BOUND}`);
  return bounded;
}

const comparisons: Comparison[] = [
  {
    name: 'time: tumblingWindows count per key vs hand-written Map aggregator (1,000,000 events, 10,000 keys, 1 % out of order)',
    unit: 'events/s',
    goal: '>= 0.8',
    setup: async () => void (events = buildEvents()),
    teardown: async () => void (events = []),
    baseline: async () => handWritten(),
    subject: async () => streamrxWindows(),
    note: (baseline, subject) => `cost per event: ${(1e9 / subject - 1e9 / baseline).toFixed(0)} ns over the hand-written loop`,
  },
  {
    name: 'time: KeyedState heap after 1,000,000 distinct keys vs at its 100,000-key bound',
    unit: 'MB retained',
    // Stays within the bound: a million distinct keys through a store bounded at 100,000 retain about what
    // the store holds at its bound, not ten times that. The slack above 1 is the Map's hash table, which V8
    // keeps larger after many deletions (measured here: 9.6 MB at the bound, 13.1 MB after the churn).
    goal: '<= 1.5',
    rounds: 3,
    baseline: async () => retainedMegabytes(() => filledKeyedState(KEY_BOUND)),
    subject: async () => retainedMegabytes(() => filledKeyedState(DISTINCT_KEYS)),
    note: (atBound) =>
      `held ${boundedSize.toLocaleString('en-US')} keys after ${DISTINCT_KEYS.toLocaleString('en-US')} distinct ones (${evicted.toLocaleString('en-US')} evicted, counted); ` +
      `${((atBound * 2 ** 20) / KEY_BOUND).toFixed(0)} bytes per key held; an unbounded Map of every key would grow tenfold`,
  },
];

export default comparisons;
