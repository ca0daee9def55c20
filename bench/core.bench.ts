import { Observable } from 'rxjs';
import { correlate, dedupeBy, retryBackoff, watchdog } from '../src/index.js';
import type { Comparison } from './harness.js';

const ROUND_TRIPS = 1_000_000;
const IN_FLIGHT = 64;
const PIPELINE_VALUES = 2_000_000;

function perSecond(count: number, startedAt: bigint): number {
  return count / (Number(process.hrtime.bigint() - startedAt) / 1e9);
}

/**
 * The baseline: what a hand-written client keeps, a Map from id to the resolver of the caller's Promise.
 * Each batch sends IN_FLIGHT requests, answers them in reverse order and waits for all of them.
 */
async function bareMapRoundTrips(): Promise<number> {
  const resolvers = new Map<string, (value: number) => void>();
  const outbox: string[] = [];
  let counter = 0;
  let received = 0;
  const started = process.hrtime.bigint();
  for (let done = 0; done < ROUND_TRIPS; done += IN_FLIGHT) {
    const answers: Promise<void>[] = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      const id = String(++counter);
      answers.push(new Promise<number>((resolve) => resolvers.set(id, resolve)).then(() => void received++));
      outbox.push(id);
    }
    for (const id of outbox.reverse()) {
      const resolve = resolvers.get(id);
      resolvers.delete(id);
      resolve?.(1);
    }
    outbox.length = 0;
    await Promise.all(answers);
  }
  if (received !== ROUND_TRIPS) throw new Error(`baseline received ${received}`);
  return perSecond(ROUND_TRIPS, started);
}

/** The same work through `correlate`: each caller subscribes to its request's Observable. */
async function correlatedRoundTrips(): Promise<number> {
  const requests = correlate<number>({ timeout: 30_000 });
  const outbox: string[] = [];
  let received = 0;
  const started = process.hrtime.bigint();
  for (let done = 0; done < ROUND_TRIPS; done += IN_FLIGHT) {
    let left = IN_FLIGHT;
    let batchDone!: () => void;
    const batch = new Promise<void>((resolve) => (batchDone = resolve));
    const count = (): void => {
      received++;
      if (--left === 0) batchDone();
    };
    for (let i = 0; i < IN_FLIGHT; i++) requests.request((id) => outbox.push(id)).subscribe(count);
    for (const id of outbox.reverse()) requests.resolve(id, 1);
    outbox.length = 0;
    await batch;
  }
  if (received !== ROUND_TRIPS) throw new Error(`correlate received ${received}`);
  return perSecond(ROUND_TRIPS, started);
}

const numbers = new Observable<number>((subscriber) => {
  for (let i = 0; i < PIPELINE_VALUES && !subscriber.closed; i++) subscriber.next(i);
  subscriber.complete();
});

function drain(source: Observable<number>): number {
  let received = 0;
  const started = process.hrtime.bigint();
  source.subscribe(() => received++);
  if (received !== PIPELINE_VALUES) throw new Error(`received ${received}`);
  return perSecond(PIPELINE_VALUES, started);
}

const comparisons: Comparison[] = [
  {
    name: 'core: correlate vs bare Map of resolvers (1,000,000 round trips, 64 in flight)',
    unit: 'round trips/s',
    goal: '>= 0.8',
    baseline: bareMapRoundTrips,
    subject: correlatedRoundTrips,
  },
  {
    name: 'core: retryBackoff + watchdog + dedupeBy vs bare source (2,000,000 values)',
    unit: 'values/s',
    baseline: async () => drain(numbers),
    subject: async () =>
      drain(numbers.pipe(watchdog(60_000), dedupeBy((n) => n, { capacity: 10_000 }), retryBackoff())),
    note: (baseline, subject) => `overhead ${(1e9 / subject - 1e9 / baseline).toFixed(1)} ns per value`,
  },
];

export default comparisons;
