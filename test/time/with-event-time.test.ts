import { describe, expect, it } from 'vitest';
import { Subject, VirtualTimeScheduler, from } from 'rxjs';
import { InvalidArgumentError, timestamped, watermark, withEventTime, type EventTimeElement } from '../../src/index.js';
import { marbles } from '../../src/testing/index.js';
import { vitestEqual } from './helpers.js';

const at = (value: { t: number }): number => value.t;

describe('withEventTime', () => {
  it('stamps each value and trails the largest time seen by maxLateness', () =>
    marbles(({ cold, expectObservable }) => {
      const values = { a: { t: 5 }, b: { t: 9 }, c: { t: 6 }, d: { t: 12 } };
      const out = cold('a 9ms b 9ms c 9ms d 9ms |', values).pipe(withEventTime(at, { maxLateness: 2 }));
      expectObservable(out).toBe('(aw) 6ms (bx) 6ms c 9ms (dy) 6ms (z|)', {
        a: timestamped(values.a, 5), w: watermark(3),
        b: timestamped(values.b, 9), x: watermark(7),
        c: timestamped(values.c, 6),
        d: timestamped(values.d, 12), y: watermark(10),
        z: watermark(Infinity),
      });
    }, vitestEqual));

  it('emits no watermark for an out-of-order value, nor for one that does not move it', () =>
    marbles(({ cold, expectObservable }) => {
      const out = cold('a 9ms b 9ms c', { a: { t: 10 }, b: { t: 4 }, c: { t: 10 } }).pipe(withEventTime(at));
      expectObservable(out).toBe('(aw) 6ms b 9ms c', { a: timestamped({ t: 10 }, 10), w: watermark(10), b: timestamped({ t: 4 }, 4), c: timestamped({ t: 10 }, 10) });
    }, vitestEqual));

  it('after idleTimeout of silence moves the watermark up to the largest time seen, marked idle, once per quiet spell', () =>
    marbles(({ cold, expectObservable }) => {
      const out = cold('a 99ms b', { a: { t: 50 }, b: { t: 60 } }).pipe(withEventTime(at, { maxLateness: 20, idleTimeout: 30 }));
      expectObservable(out).toBe('(aw) 26ms i 69ms b 29ms j', {
        a: timestamped({ t: 50 }, 50), w: watermark(30),
        i: watermark(50, true),
        b: timestamped({ t: 60 }, 60),
        j: watermark(60, true),
      });
    }, vitestEqual));

  it('marks a source that never delivers idle too, so a merge does not wait for it', () =>
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold<{ t: number }>('-').pipe(withEventTime(at, { idleTimeout: 10 }))).toBe('10ms i', { i: watermark(-Infinity, true) });
    }, vitestEqual));

  it('gives the selector the arrival time on the scheduler, for sources without a time of their own', () =>
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('a 9ms b 9ms |').pipe(withEventTime((_, arrival) => arrival))).toBe('(aw) 6ms (bx) 6ms (y|)', {
        a: timestamped('a', 0), w: watermark(0), b: timestamped('b', 10), x: watermark(10), y: watermark(Infinity),
      });
    }, vitestEqual));

  it('ends with an InvalidArgumentError on a time that is not a finite number', () =>
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold('a', { a: { t: Number.NaN } }).pipe(withEventTime(at))).toBe('#', undefined, expect.any(InvalidArgumentError));
    }, vitestEqual));

  it('refuses a negative maxLateness and a non-positive idleTimeout', () => {
    expect(() => from([1]).pipe(withEventTime(() => 1, { maxLateness: -1 }))).toThrow(InvalidArgumentError);
    expect(() => from([1]).pipe(withEventTime(() => 1, { idleTimeout: 0 }))).toThrow(InvalidArgumentError);
  });

  it('releases its idle timer on unsubscribe, and works outside run() with an injected scheduler', () => {
    const virtual = new VirtualTimeScheduler();
    const source = new Subject<number>();
    const seen: EventTimeElement<number>[] = [];
    const subscription = source.pipe(withEventTime((n) => n, { idleTimeout: 100, scheduler: virtual })).subscribe((e) => seen.push(e));
    source.next(7);
    virtual.schedule(() => undefined, 150);
    virtual.flush();
    expect(seen).toEqual([timestamped(7, 7), watermark(7), watermark(7, true)]);
    source.next(8);
    subscription.unsubscribe();
    expect(virtual.actions.filter((a) => !a.closed)).toHaveLength(0);
  });
});
