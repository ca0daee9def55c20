/**
 * State benchmarks: orderedCommit (low-watermark commits) at concurrency 16 against `mergeMap(handler, 16)`
 * on the same asynchronous handler: its own cost (memory store, a handler that is one microtask) and with
 * durable commits to a file store (a handler with 1 ms of I/O). The Misskey cursor-write comparison lives
 * with the other channel comparisons in misskey.bench.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, mergeMap, Observable } from 'rxjs';
import { fileCursorStore, memoryCursorStore, orderedCommit, type CursorStore } from '../src/index.js';
import type { Comparison } from './harness.js';

const EVENTS = 200_000;
const CONCURRENCY = 16;

const BURST = 256;

/**
 * The events, `BURST` at a time with a macrotask between bursts, as events from a socket arrive: neither
 * operator holds more than a burst waiting (mergeMap's queue costs `Array.shift` per event, linear in its
 * length, which would otherwise dominate the baseline).
 */
const events = (count = EVENTS): Observable<number> =>
  new Observable<number>((subscriber) => {
    let next = 0;
    let timer: NodeJS.Immediate | undefined;
    const burst = (): void => {
      const end = Math.min(next + BURST, count);
      while (next < end) subscriber.next(next++);
      if (next < count) timer = setImmediate(burst);
      else subscriber.complete();
    };
    burst();
    return () => clearImmediate(timer);
  });

/** A handler that completes asynchronously, as an I/O call would (a resolved promise: one microtask). */
const handler = (n: number): Promise<number> => Promise.resolve(n);

async function perSecond(pipeline: Observable<unknown>, count = EVENTS): Promise<number> {
  const started = process.hrtime.bigint();
  await lastValueFrom(pipeline, { defaultValue: undefined });
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

const IO_EVENTS = 20_000;

/** A handler waiting 1 ms, as a reply over HTTP would. */
const slowHandler = (n: number): Promise<number> => new Promise((resolve) => setTimeout(() => resolve(n), 1));

let dir = '';

const committed = (store: CursorStore): Promise<number> =>
  perSecond(events().pipe(orderedCommit(handler, { store, key: 'bench', position: (n) => n, concurrency: CONCURRENCY })));

const comparisons: Comparison[] = [
  {
    name: 'state: orderedCommit (concurrency 16, default batch, memory store) vs mergeMap(handler, 16) (200,000 events)',
    unit: 'events/s',
    goal: '>= 0.9',
    baseline: () => perSecond(events().pipe(mergeMap(handler, CONCURRENCY))),
    subject: () => committed(memoryCursorStore()),
    note: (baseline, subject) => `the operator's own cost: ${(1e9 / subject - 1e9 / baseline).toFixed(0)} ns per event`,
  },
  {
    name: 'state: orderedCommit (concurrency 16, default batch, file store with fsync) vs mergeMap(handler, 16), handler with 1 ms of I/O (20,000 events)',
    unit: 'events/s',
    goal: '>= 0.9',
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), 'streamrx-bench-state-'));
    },
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
    baseline: () => perSecond(events(IO_EVENTS).pipe(mergeMap(slowHandler, CONCURRENCY)), IO_EVENTS),
    subject: async () => {
      const store = fileCursorStore(join(dir, 'cursors.json'));
      const pipeline = events(IO_EVENTS).pipe(orderedCommit(slowHandler, { store, key: 'bench', position: (n) => n, concurrency: CONCURRENCY }));
      const figure = await perSecond(pipeline, IO_EVENTS);
      await store.close();
      return figure;
    },
    note: () => 'durable commits (one file replacement with fsync per 100 events at most) against a handler doing I/O, as a bot does',
  },
];

export default comparisons;
