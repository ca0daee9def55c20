import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TestScheduler } from 'rxjs/testing';
import { Subject, VirtualTimeScheduler, from } from 'rxjs';
import { InvalidArgumentError, dedupeBy } from '../../src/index.js';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** What dedupeBy promises, written plainly: the keys that passed, oldest first, at most `capacity`, each until its expiry. */
function modelDedupe(arrivals: readonly { key: number; at: number }[], capacity: number, ttl: number): number[] {
  const remembered: { key: number; until: number }[] = [];
  const passed: number[] = [];
  for (const { key, at } of arrivals) {
    while (remembered.length > 0 && remembered[0]!.until <= at) remembered.shift();
    if (remembered.some((entry) => entry.key === key)) continue;
    passed.push(key);
    remembered.push({ key, until: at + ttl });
    if (remembered.length > capacity) remembered.shift();
  }
  return passed;
}

function runDedupe(arrivals: readonly { key: number; at: number }[], capacity: number, ttl: number): number[] {
  const virtual = new VirtualTimeScheduler();
  const source = new Subject<number>();
  const passed: number[] = [];
  source.pipe(dedupeBy((v) => v, { capacity, ttl, scheduler: virtual })).subscribe((v) => passed.push(v));
  for (const { key, at } of arrivals) virtual.schedule(() => source.next(key), at);
  virtual.flush();
  return passed;
}

const arrivalsArbitrary = fc
  .array(fc.record({ key: fc.integer({ min: 0, max: 12 }), gap: fc.integer({ min: 0, max: 6 }) }), { maxLength: 120 })
  .map((steps) => {
    let at = 0;
    return steps.map(({ key, gap }) => ({ key, at: (at += gap) }));
  });

describe('dedupeBy', () => {
  it('drops repeats of a key', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-a-c-b|').pipe(dedupeBy((v) => v))).toBe('a-b---c--|');
    });
  });

  it('forgets the oldest key once capacity is exceeded', () => {
    scheduler().run(({ cold, expectObservable }) => {
      // Capacity 2: after a, b, c the key "a" is forgotten and passes again; "c" is still remembered.
      expectObservable(cold('abcac|').pipe(dedupeBy((v) => v, { capacity: 2 }))).toBe('abca-|');
    });
  });

  it('forgets a key ttl ms after it was first seen', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a 5ms a 5ms a|').pipe(dedupeBy((v) => v, { ttl: 10 }))).toBe('a 5ms - 5ms a|');
    });
  });

  it('keeps memory bounded at capacity on a long stream', () => {
    const keys = new Subject<number>();
    const passed: number[] = [];
    keys.pipe(dedupeBy((v) => v, { capacity: 100 })).subscribe((v) => passed.push(v));
    for (let i = 0; i < 100_000; i++) keys.next(i);
    for (let i = 99_900; i < 100_000; i++) keys.next(i);
    expect(passed).toHaveLength(100_000);
    keys.next(0);
    expect(passed.at(-1)).toBe(0);
  });

  it('works outside run() with an injected scheduler', () => {
    const virtual = new VirtualTimeScheduler();
    const source = new Subject<string>();
    const passed: string[] = [];
    source.pipe(dedupeBy((v) => v, { ttl: 50, scheduler: virtual })).subscribe((v) => passed.push(v));
    source.next('x');
    virtual.schedule(() => source.next('x'), 30);
    virtual.schedule(() => source.next('x'), 60);
    virtual.flush();
    expect(passed).toEqual(['x', 'x']);
  });

  it('passes exactly the keys not among the last `capacity` distinct keys that passed (property)', () => {
    fc.assert(
      fc.property(arrivalsArbitrary, fc.integer({ min: 1, max: 8 }), (arrivals, capacity) => {
        expect(runDedupe(arrivals, capacity, Infinity)).toEqual(modelDedupe(arrivals, capacity, Infinity));
      }),
    );
  });

  it('with a ttl, passes exactly the keys not remembered and unexpired (property)', () => {
    fc.assert(
      fc.property(arrivalsArbitrary, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 }), (arrivals, capacity, ttl) => {
        expect(runDedupe(arrivals, capacity, ttl)).toEqual(modelDedupe(arrivals, capacity, ttl));
      }),
    );
  });

  it('ends the stream with the error a key function throws, and unsubscribes the source', () => {
    const source = new Subject<string>();
    const failure = new Error('no id');
    let error: unknown;
    source.pipe(dedupeBy((v) => (v === 'bad' ? (() => { throw failure; })() : v))).subscribe({ error: (e) => (error = e) });
    source.next('ok');
    source.next('bad');
    expect(error).toBe(failure);
    expect(source.observed).toBe(false);
  });

  it('unsubscribes the source when the subscriber unsubscribes', () => {
    const source = new Subject<number>();
    const subscription = source.pipe(dedupeBy((v) => v)).subscribe();
    expect(source.observed).toBe(true);
    subscription.unsubscribe();
    expect(source.observed).toBe(false);
  });

  it('rejects a capacity below 1 with a typed error', () => {
    expect(() => from([1]).pipe(dedupeBy((v) => v, { capacity: 0 }))).toThrow(InvalidArgumentError);
  });
});
