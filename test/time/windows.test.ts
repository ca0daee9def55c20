import { describe, expect, it } from 'vitest';
import { from } from 'rxjs';
import {
  counting,
  InvalidArgumentError,
  reducing,
  sessionWindows,
  slidingWindows,
  summing,
  timestamped,
  tumblingWindows,
  watermark,
  type Timestamped,
} from '../../src/index.js';
import { marbles } from '../../src/testing/index.js';
import { vitestEqual, windowResult } from './helpers.js';

const k = (time: number): Timestamped<string> => timestamped('k', time);
const byValue = { key: (value: string) => value, aggregate: counting<string>() };
const infinity = watermark(Infinity);

describe('tumblingWindows', () => {
  it('puts a value exactly on a boundary into the window that starts there', () =>
    marbles(({ cold, expectObservable }) => {
      const input = cold('ab-W-----X', { a: k(9), b: k(10), W: watermark(10), X: watermark(20) });
      expectObservable(input.pipe(tumblingWindows(10, byValue))).toBe('---(rW)--(sX)', {
        r: windowResult('k', 0, 10, 1), W: watermark(10),
        s: windowResult('k', 10, 20, 1), X: watermark(20),
      });
    }, vitestEqual));

  it('keeps keys apart and emits each window once the watermark reaches its end', () =>
    marbles(({ cold, expectObservable }) => {
      const input = cold('abcW', { a: timestamped('x', 1), b: timestamped('y', 2), c: timestamped('x', 3), W: watermark(9) });
      expectObservable(input.pipe(tumblingWindows(10, byValue)), '^ 20ms !').toBe('---W', { W: watermark(9) });
      const done = cold('abc|', { a: timestamped('x', 1), b: timestamped('y', 2), c: timestamped('x', 3) });
      expectObservable(done.pipe(tumblingWindows(10, byValue))).toBe('---(xy∞|)', { x: windowResult('x', 0, 10, 2), y: windowResult('y', 0, 10, 1), '∞': infinity });
    }, vitestEqual));

  it('takes a late value just inside allowed lateness as an update, and drops one just outside', () => {
    const late: number[] = [];
    const dropped: number[] = [];
    marbles(({ cold, expectObservable }) => {
      // window [0,10), allowed lateness 5: open for late values while the watermark is below 15
      const input = cold('a-W-----b-X-----c-Y-----d|', { a: k(3), W: watermark(10), b: k(8), X: watermark(14), c: k(9), Y: watermark(15), d: k(7) });
      const windows = tumblingWindows(10, { ...byValue, allowedLateness: 5, onLate: (e) => late.push(e.time), onDropped: (e) => dropped.push(e.time) });
      expectObservable(input.pipe(windows)).toBe('--(rW)--u-X-----v-Y------(∞|)', {
        r: windowResult('k', 0, 10, 1), W: watermark(10),
        u: windowResult('k', 0, 10, 2, 'update'), X: watermark(14),
        v: windowResult('k', 0, 10, 3, 'update'), Y: watermark(15),
        '∞': infinity,
      });
    }, vitestEqual);
    expect(late).toEqual([8, 9]);
    expect(dropped).toEqual([7]);
  });

  it('gives a key whose values were all late an update as its first result', () =>
    marbles(({ cold, expectObservable }) => {
      const input = cold('W-----a', { W: watermark(12), a: timestamped('late', 4) });
      expectObservable(input.pipe(tumblingWindows(10, { ...byValue, allowedLateness: 10 }))).toBe('W-----u', { W: watermark(12), u: windowResult('late', 0, 10, 1, 'update') });
    }, vitestEqual));

  it('emits early results of changed windows on a processing-time interval', () =>
    marbles(({ cold, expectObservable }) => {
      const input = cold('a---b---W-----|', { a: k(1), b: k(2), W: watermark(10) });
      expectObservable(input.pipe(tumblingWindows(10, { ...byValue, earlyResults: 3 }))).toBe('---e--f-(rW)--(∞|)', {
        e: windowResult('k', 0, 10, 1, 'early'), f: windowResult('k', 0, 10, 2, 'early'),
        r: windowResult('k', 0, 10, 2), W: watermark(10), '∞': infinity,
      });
    }, vitestEqual));

  it('folds with summing and reducing, and groups every value under one key by default', () =>
    marbles(({ cold, expectObservable }) => {
      const numbers = cold('abc|', { a: timestamped(2, 1), b: timestamped(5, 2), c: timestamped(7, 12) });
      expectObservable(numbers.pipe(tumblingWindows(10, { aggregate: summing((n: number) => n) }))).toBe('---(xy∞|)', {
        x: windowResult(undefined, 0, 10, 7), y: windowResult(undefined, 10, 20, 7), '∞': infinity,
      });
      const words = cold('ab|', { a: timestamped('hi', 1), b: timestamped('there', 2) });
      expectObservable(words.pipe(tumblingWindows(10, { aggregate: reducing((all: string[], word: string) => [...all, word], []) }))).toBe('--(x∞|)', {
        x: windowResult(undefined, 0, 10, ['hi', 'there']), '∞': infinity,
      });
    }, vitestEqual));

  it('refuses a bad size, slide, lateness or missing aggregate with a typed error', () => {
    const source = from([k(1)]);
    expect(() => source.pipe(tumblingWindows(0, byValue))).toThrow(InvalidArgumentError);
    expect(() => source.pipe(slidingWindows(10, 0, byValue))).toThrow(InvalidArgumentError);
    expect(() => source.pipe(tumblingWindows(10, { ...byValue, allowedLateness: -1 }))).toThrow(InvalidArgumentError);
    expect(() => source.pipe(tumblingWindows(10, {} as typeof byValue))).toThrow(InvalidArgumentError);
    expect(() => source.pipe(sessionWindows(5, { aggregate: reducing((a: number) => a, 0) }))).toThrow(/merge/);
  });
});

describe('slidingWindows', () => {
  it('puts each value into size / slide windows and emits them in order of their end', () =>
    marbles(({ cold, expectObservable }) => {
      const input = cold('ab-W-----X-----Y-----|', { a: k(7), b: k(12), W: watermark(10), X: watermark(15), Y: watermark(20) });
      expectObservable(input.pipe(slidingWindows(10, 5, byValue))).toBe('---(rW)--(sX)--(tY)--(∞|)', {
        r: windowResult('k', 0, 10, 1), W: watermark(10),
        s: windowResult('k', 5, 15, 2), X: watermark(15),
        t: windowResult('k', 10, 20, 1), Y: watermark(20),
        '∞': infinity,
      });
    }, vitestEqual));
});

describe('sessionWindows', () => {
  it('merges two sessions when a late value bridges them, re-emitting the merged one as an update', () =>
    marbles(({ cold, expectObservable }) => {
      // gap 6: a, b make [0,9); c makes [13,19); the watermark 10 emits [0,9); d at 8 bridges both.
      const input = cold('abcW-----d-X-----|', { a: k(0), b: k(3), c: k(13), W: watermark(10), d: k(8), X: watermark(20) });
      expectObservable(input.pipe(sessionWindows(6, { ...byValue, allowedLateness: 10 }))).toBe('---(rW)----(uX)--(∞|)', {
        r: windowResult('k', 0, 9, 2), W: watermark(10),
        u: windowResult('k', 0, 19, 4, 'update'), X: watermark(20),
        '∞': infinity,
      });
    }, vitestEqual));

  it('starts a new session for a value exactly gap after the previous one', () =>
    marbles(({ cold, expectObservable }) => {
      const input = cold('ab|', { a: k(0), b: k(6) });
      expectObservable(input.pipe(sessionWindows(6, byValue))).toBe('--(rs∞|)', { r: windowResult('k', 0, 6, 1), s: windowResult('k', 6, 12, 1), '∞': infinity });
    }, vitestEqual));

  it('updates a fired session with a late value inside it, and drops a value past allowed lateness', () => {
    const dropped: number[] = [];
    marbles(({ cold, expectObservable }) => {
      const input = cold('ab-W-----c-X-----d|', { a: k(0), b: k(2), W: watermark(8), c: k(1), X: watermark(13), d: k(1) });
      const sessions = sessionWindows(5, { ...byValue, allowedLateness: 5, onDropped: (e) => dropped.push(e.time) });
      expectObservable(input.pipe(sessions)).toBe('---(rW)--u-X------(∞|)', {
        r: windowResult('k', 0, 7, 2), W: watermark(8),
        u: windowResult('k', 0, 7, 3, 'update'), X: watermark(13),
        '∞': infinity,
      });
    }, vitestEqual);
    expect(dropped).toEqual([1]);
  });
});
