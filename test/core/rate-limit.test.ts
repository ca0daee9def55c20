import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { range, Subject, VirtualTimeScheduler } from 'rxjs';
import fc from 'fast-check';
import { InvalidArgumentError, RateLimitQueueFullError, rateLimit } from '../../src/index.js';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('rateLimit', () => {
  it('lets a burst of 100 through at 20 per minute in exactly 4 minutes of virtual time', () => {
    const test = scheduler();
    const times: number[] = [];
    let completedAt = -1;
    test.run(({ flush }) => {
      range(0, 100)
        .pipe(rateLimit({ limit: 20, window: 60_000 }))
        .subscribe({ next: () => times.push(test.now()), complete: () => (completedAt = test.now()) });
      flush();
    });
    expect(times).toEqual(Array.from({ length: 100 }, (_, i) => Math.floor(i / 20) * 60_000));
    expect(completedAt).toBe(240_000);
  });

  it('slides the window: a start frees its slot exactly `window` ms after it', () => {
    scheduler().run(({ cold, expectObservable }) => {
      // Starts at 0 and 3; c waits for 0 + 10; d (at 12) finds 3 and 10 in the window and waits for 3 + 10.
      const out = cold('a 2ms b 1ms c 6ms d|').pipe(rateLimit({ limit: 2, window: 10 }));
      expectObservable(out).toBe('a 2ms b 6ms c 2ms (d|)');
    });
  });

  it('keeps one budget and one order per key, and never lets a busy key delay another', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const values = { a: 'a1', b: 'a2', c: 'b1', d: 'a3', e: 'b2' };
      const out = cold('(abcde|)', values).pipe(rateLimit({ limit: 1, window: 10, key: (v) => v[0]! }));
      expectObservable(out).toBe('(ac) 6ms (be) 6ms (d|)', values);
    });
  });

  it("errors with RateLimitQueueFullError past maxQueued under overflow 'error'", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold('(abc|)').pipe(rateLimit({ limit: 1, window: 10, maxQueued: 1 }));
      expectObservable(out).toBe('(a#)', undefined, new RateLimitQueueFullError(1));
    });
  });

  it("drops the arriving value under 'drop-newest' and counts it", () => {
    const drops: [string, number][] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const onDrop = (value: string, dropped: number): number => drops.push([value, dropped]);
      const out = cold('(abcd|)').pipe(rateLimit({ limit: 1, window: 10, maxQueued: 1, overflow: 'drop-newest', onDrop }));
      expectObservable(out).toBe('a 9ms (b|)');
    });
    expect(drops).toEqual([
      ['c', 1],
      ['d', 2],
    ]);
  });

  it("drops the value that has waited longest, of any key, under 'drop-oldest'", () => {
    const drops: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const values = { a: 'x1', b: 'y1', c: 'y2', d: 'x2', e: 'x3' };
      const limited = rateLimit<string>({ limit: 1, window: 10, key: (v) => v[0]!, maxQueued: 2, overflow: 'drop-oldest', onDrop: (v) => drops.push(v) });
      expectObservable(cold('(abcde|)', values).pipe(limited)).toBe('(ab) 6ms d 9ms (e|)', values);
    });
    expect(drops).toEqual(['y2']);
  });

  it('completes only when the queue has drained, and passes an error at once', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('(abc|)').pipe(rateLimit({ limit: 1, window: 5 }))).toBe('a 4ms b 4ms (c|)');
      expectObservable(cold('(abc#)').pipe(rateLimit({ limit: 1, window: 5 }))).toBe('(a#)');
    });
  });

  it('releases its timers and the source on unsubscribe, emitting nothing more', () => {
    const virtual = new VirtualTimeScheduler();
    const source = new Subject<number>();
    const seen: number[] = [];
    const subscription = source.pipe(rateLimit({ limit: 1, window: 100, scheduler: virtual })).subscribe((v) => seen.push(v));
    source.next(1);
    source.next(2);
    source.next(3);
    subscription.unsubscribe();
    expect(source.observed).toBe(false);
    expect(virtual.actions.filter((action) => !action.closed)).toHaveLength(0);
    virtual.flush();
    expect(seen).toEqual([1]);
  });

  it('times starts of separate bursts separately outside run() with an injected scheduler', () => {
    const virtual = new VirtualTimeScheduler();
    const source = new Subject<number>();
    const times: number[] = [];
    source.pipe(rateLimit({ limit: 3, window: 10, scheduler: virtual })).subscribe(() => times.push(virtual.now()));
    for (const [value, at] of [[1, 0], [2, 1], [3, 2], [4, 5], [5, 5], [6, 5]] as const) virtual.schedule(() => source.next(value), at);
    virtual.flush();
    expect(times).toEqual([0, 1, 2, 10, 11, 12]);
  });

  it('rejects bad options with a typed error', () => {
    expect(() => rateLimit({ limit: 0 })).toThrow(InvalidArgumentError);
    expect(() => rateLimit({ limit: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => rateLimit({ limit: 1, window: 0 })).toThrow(InvalidArgumentError);
    expect(() => rateLimit({ limit: 1, maxQueued: -1 })).toThrow(InvalidArgumentError);
  });

  it('errors when the key function throws', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const boom = new Error('bad key');
      const key = (): string => {
        throw boom;
      };
      expectObservable(cold('a').pipe(rateLimit({ limit: 1, key }))).toBe('#', undefined, boom);
    });
  });
});

/** The earliest FIFO schedule per key: start_i = max(arrival_i, start_(i-1), start_(i-limit) + window). */
function earliestStarts(arrivals: readonly { at: number; key: string }[], limit: number, window: number): number[] {
  const startsByKey = new Map<string, number[]>();
  return arrivals.map(({ at, key }) => {
    const starts = startsByKey.get(key) ?? [];
    startsByKey.set(key, starts);
    const start = Math.max(at, starts.at(-1) ?? 0, (starts[starts.length - limit] ?? -Infinity) + window);
    starts.push(start);
    return start;
  });
}

describe('rateLimit (property)', () => {
  it('emits every value once, in order per key, within the limit of every window, at the earliest time allowed', () => {
    const arrival = fc.record({ gap: fc.integer({ min: 0, max: 20 }), key: fc.constantFrom('a', 'b', 'c') });
    fc.assert(
      fc.property(fc.array(arrival, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 50 }), (gaps, limit, window) => {
        let at = 0;
        const arrivals = gaps.map(({ gap, key }) => ({ at: (at += gap), key }));
        const virtual = new VirtualTimeScheduler();
        const source = new Subject<number>();
        const emitted: { index: number; at: number }[] = [];
        source
          .pipe(rateLimit({ limit, window, key: (i) => arrivals[i]!.key, scheduler: virtual }))
          .subscribe((index) => emitted.push({ index, at: virtual.now() }));
        arrivals.forEach((a, index) => virtual.schedule(() => source.next(index), a.at));
        virtual.flush();

        expect(emitted.map((e) => e.index).sort((x, y) => x - y)).toEqual(arrivals.map((_, i) => i));
        for (const key of ['a', 'b', 'c']) {
          const ofKey = emitted.filter((e) => arrivals[e.index]!.key === key);
          expect(ofKey.map((e) => e.index)).toEqual([...ofKey.map((e) => e.index)].sort((x, y) => x - y));
          for (const e of ofKey) expect(ofKey.filter((o) => o.at > e.at - window && o.at <= e.at).length).toBeLessThanOrEqual(limit);
        }
        const expected = earliestStarts(arrivals, limit, window);
        for (const e of emitted) expect(e.at).toBe(expected[e.index]);
      }),
      { numRuns: 300 },
    );
  });
});
