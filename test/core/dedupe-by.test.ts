import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { Subject, VirtualTimeScheduler, from } from 'rxjs';
import { InvalidArgumentError, dedupeBy } from '../../src/index.js';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

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

  it('rejects a capacity below 1 with a typed error', () => {
    expect(() => from([1]).pipe(dedupeBy((v) => v, { capacity: 0 }))).toThrow(InvalidArgumentError);
  });
});
