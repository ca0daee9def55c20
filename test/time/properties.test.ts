// Property tests of the event-time operators: fast-check generates out-of-order streams with duplicates,
// late values and idle gaps (driven through withEventTime in virtual time); every window's final result
// must equal a brute-force reference computed from the whole input, and dropped values are counted exactly.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Subject, VirtualTimeScheduler, tap, type OperatorFunction } from 'rxjs';
import {
  counting,
  intervalJoin,
  sessionWindows,
  slidingWindows,
  tumblingWindows,
  withEventTime,
  type EventTimeElement,
  type IntervalJoined,
  type Timestamped,
  type WindowResult,
} from '../../src/index.js';

interface Raw {
  key: number;
  time: number;
  /** Processing time before it arrives, in ms (gaps above the idle timeout make the source idle). */
  gap: number;
}

const raw = fc.record({ key: fc.integer({ min: 0, max: 3 }), time: fc.integer({ min: 0, max: 200 }), gap: fc.integer({ min: 0, max: 60 }) });
/** Values, some delivered twice (an at-least-once source). */
const stream = fc.array(raw, { maxLength: 80 }).chain((values) =>
  fc.array(fc.nat({ max: Math.max(0, values.length - 1) }), { maxLength: values.length === 0 ? 0 : 10 }).map((repeats) => [...values, ...repeats.map((i) => ({ ...values[i]!, gap: 1 }))]),
);
const lateness = fc.integer({ min: 0, max: 30 });

/** Runs `values` through withEventTime (idle timeout 40 ms) and `operator` in virtual time; returns what entered and left `operator`. */
function run<R>(values: Raw[], maxLateness: number, operator: OperatorFunction<EventTimeElement<Raw>, EventTimeElement<R>>): { input: EventTimeElement<Raw>[]; output: EventTimeElement<R>[] } {
  const scheduler = new VirtualTimeScheduler();
  const source = new Subject<Raw>();
  const input: EventTimeElement<Raw>[] = [];
  const output: EventTimeElement<R>[] = [];
  source.pipe(withEventTime((v) => v.time, { maxLateness, idleTimeout: 40, scheduler }), tap((e) => input.push(e)), operator).subscribe((e) => output.push(e));
  let at = 0;
  for (const value of values) scheduler.schedule(() => source.next(value), (at += value.gap));
  scheduler.schedule(() => source.complete(), at + 100);
  scheduler.flush();
  return { input, output };
}

/** The last result of each (key, start, end): a window's final result. */
function finalResults(output: EventTimeElement<WindowResult<number, number>>[]): Map<string, number> {
  const results = new Map<string, number>();
  for (const e of output) if (e.type === 'event') results.set(`${e.value.key}@${e.value.start}-${e.value.end}`, e.value.result);
  return results;
}

/** Brute force: which values each fixed window of the whole input accepted (open while watermark < end + lateness). */
function fixedReference(input: EventTimeElement<Raw>[], size: number, slide: number, allowedLateness: number): { results: Map<string, number>; dropped: number } {
  const results = new Map<string, number>();
  let watermark = -Infinity;
  let dropped = 0;
  for (const e of input) {
    if (e.type === 'watermark') {
      watermark = Math.max(watermark, e.time);
      continue;
    }
    let accepted = false;
    for (let start = -slide * Math.ceil(size / slide); start <= 300; start += slide) {
      if (start <= e.time && e.time < start + size && start + size + allowedLateness > watermark) {
        accepted = true;
        const id = `${e.value.key}@${start}-${start + size}`;
        results.set(id, (results.get(id) ?? 0) + 1);
      }
    }
    if (!accepted) dropped++;
  }
  return { results, dropped };
}

/** Brute force sessions: a list per key, merged by overlap; a session is gone once the watermark passes end + lateness. */
function sessionReference(input: EventTimeElement<Raw>[], gap: number, allowedLateness: number): { results: Map<string, number>; dropped: number } {
  const sessions: Array<{ key: number; start: number; end: number; count: number; alive: boolean }> = [];
  let watermark = -Infinity;
  let dropped = 0;
  for (const e of input) {
    if (e.type === 'watermark') {
      watermark = Math.max(watermark, e.time);
      for (const s of sessions) if (s.end + allowedLateness <= watermark) s.alive = false;
      continue;
    }
    const [start, end] = [e.time, e.time + gap];
    const overlapping = sessions.filter((s) => s.alive && s.key === e.value.key && s.start < end && start < s.end);
    if (overlapping.length === 0 && end + allowedLateness <= watermark) {
      dropped++;
      continue;
    }
    for (const s of overlapping) sessions.splice(sessions.indexOf(s), 1);
    sessions.push({
      key: e.value.key,
      start: Math.min(start, ...overlapping.map((s) => s.start)),
      end: Math.max(end, ...overlapping.map((s) => s.end)),
      count: 1 + overlapping.reduce((n, s) => n + s.count, 0),
      alive: true,
    });
  }
  return { results: new Map(sessions.map((s) => [`${s.key}@${s.start}-${s.end}`, s.count])), dropped };
}

/**
 * Checks the sessions' last results against the reference: each reference session has its result, and
 * every other result belongs to a session that a later merge absorbed (it lies inside a reference session
 * of its key). A session released past allowed lateness stays a result of its own.
 */
function expectSessions(output: EventTimeElement<WindowResult<number, number>>[], reference: Map<string, number>): void {
  const results = finalResults(output);
  for (const [id, count] of reference) expect({ id, count: results.get(id) }).toEqual({ id, count });
  const bounds = (id: string): [string, number, number] => {
    const [key, range] = id.split('@') as [string, string];
    const [start, end] = range.split('-').map(Number) as [number, number];
    return [key, start, end];
  };
  for (const id of results.keys()) {
    if (reference.has(id)) continue;
    const [key, start, end] = bounds(id);
    const absorbedBy = [...reference.keys()].map(bounds).find(([k, s, e]) => k === key && s <= start && end <= e);
    expect(absorbedBy, `${id} superseded`).toBeDefined();
  }
}

describe('event-time windows against a brute-force reference (properties)', () => {
  it('tumbling and sliding windows: final results and dropped count equal the reference', () => {
    const shape = fc.constantFrom([20, 20], [30, 10], [25, 5], [10, 15]);
    fc.assert(
      fc.property(stream, lateness, fc.integer({ min: 0, max: 40 }), shape, (values, maxLateness, allowedLateness, [size, slide]) => {
        let dropped = 0;
        const windows = slidingWindows(size!, slide!, { key: (v: Raw) => v.key, aggregate: counting(), allowedLateness, onDropped: () => dropped++ });
        const { input, output } = run(values, maxLateness, windows);
        const reference = fixedReference(input, size!, slide!, allowedLateness);
        expect(finalResults(output as EventTimeElement<WindowResult<number, number>>[])).toEqual(reference.results);
        expect(dropped).toBe(reference.dropped);
      }),
      { numRuns: 300 },
    );
  });

  it('tumbling windows without lateness emit each window exactly once, on time, when no value is late', () => {
    fc.assert(
      fc.property(fc.array(raw, { maxLength: 60 }), (values) => {
        const ordered = [...values].sort((a, b) => a.time - b.time);
        const { output } = run(ordered, 0, tumblingWindows(20, { key: (v: Raw) => v.key, aggregate: counting() }));
        const results = output.filter((e) => e.type === 'event').map((e) => (e as Timestamped<WindowResult<number, number>>).value);
        expect(results.every((r) => r.kind === 'onTime')).toBe(true);
        expect(new Set(results.map((r) => `${r.key}@${r.start}`)).size).toBe(results.length);
        expect(results.reduce((n, r) => n + r.result, 0)).toBe(values.length);
      }),
    );
  });

  it('session windows: final sessions and dropped count equal the reference', () => {
    fc.assert(
      fc.property(stream, lateness, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 25 }), (values, maxLateness, allowedLateness, gap) => {
        let dropped = 0;
        const sessions = sessionWindows(gap, { key: (v: Raw) => v.key, aggregate: counting(), allowedLateness, onDropped: () => dropped++ });
        const { input, output } = run(values, maxLateness, sessions);
        const reference = sessionReference(input, gap, allowedLateness);
        expectSessions(output as EventTimeElement<WindowResult<number, number>>[], reference.results);
        expect(dropped).toBe(reference.dropped);
      }),
      { numRuns: 300 },
    );
  });
});

describe('intervalJoin against a brute-force reference (property)', () => {
  const side = fc.array(fc.record({ key: fc.integer({ min: 0, max: 2 }), time: fc.integer({ min: 0, max: 100 }), left: fc.boolean() }), { maxLength: 60 });

  it('emits exactly the pairs within the bounds among the values not behind the watermark', () => {
    fc.assert(
      fc.property(side, fc.integer({ min: -10, max: 10 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 15 }), (values, lowerBound, width, maxLateness) => {
        const left = new Subject<EventTimeElement<number>>();
        const right = new Subject<EventTimeElement<number>>();
        const pairs: string[] = [];
        let dropped = 0;
        intervalJoin(left, right, { leftKey: (v) => v, rightKey: (v) => v, lowerBound, upperBound: lowerBound + width, onDropped: () => dropped++ }).subscribe((e) => {
          if (e.type === 'event') pairs.push(describePair(e.value));
        });
        // each side: bounded out-of-orderness watermarks, as withEventTime makes them
        const marks = [-Infinity, -Infinity];
        const maxSeen = [-Infinity, -Infinity];
        const kept: Array<{ key: number; time: number; left: boolean }> = [];
        let referenceDropped = 0;
        for (const value of values) {
          const s = value.left ? 0 : 1;
          const joined = Math.min(marks[0]!, marks[1]!);
          if (value.time < joined) referenceDropped++;
          else kept.push(value);
          (value.left ? left : right).next({ type: 'event', value: value.key, time: value.time });
          if (value.time > maxSeen[s]!) {
            maxSeen[s] = value.time;
            if (value.time - maxLateness > marks[s]!) {
              marks[s] = value.time - maxLateness;
              (value.left ? left : right).next({ type: 'watermark', time: marks[s]! });
            }
          }
        }
        left.complete();
        right.complete();
        const expected: string[] = [];
        for (const l of kept.filter((v) => v.left)) {
          for (const r of kept.filter((v) => !v.left && v.key === l.key && v.time - l.time >= lowerBound && v.time - l.time <= lowerBound + width)) {
            expected.push(describePair({ key: l.key, left: { type: 'event', value: l.key, time: l.time }, right: { type: 'event', value: r.key, time: r.time } }));
          }
        }
        expect(pairs.sort()).toEqual(expected.sort());
        expect(dropped).toBe(referenceDropped);
      }),
      { numRuns: 300 },
    );
  });
});

function describePair(pair: IntervalJoined<number, number, number>): string {
  return `${pair.key}:${pair.left.time}-${pair.right.time}`;
}
