import { describe, expect, it } from 'vitest';
import { of } from 'rxjs';
import { intervalJoin, InvalidArgumentError, timestamped, watermark, type EventTimeElement, type IntervalJoined } from '../../src/index.js';
import { marbles } from '../../src/testing/index.js';
import { vitestEqual } from './helpers.js';

const pair = (key: string, left: [string, number], right: [string, number]): EventTimeElement<IntervalJoined<string, string, string>> => ({
  type: 'event',
  value: { key, left: timestamped(left[0], left[1]), right: timestamped(right[0], right[1]) },
  time: Math.max(left[1], right[1]),
});
const keyOf = (value: string): string => value.slice(0, 2);
const options = { leftKey: keyOf, rightKey: keyOf, upperBound: 10 };

describe('intervalJoin', () => {
  it('pairs values of the same key whose right time is within the bounds of the left one', () =>
    marbles(({ cold, expectObservable }) => {
      const mentions = cold('a----b---|', { a: timestamped('n1 mention', 0), b: timestamped('n2 mention', 20) });
      const replies = cold('--x-y--z-u|', { x: timestamped('n1 reply', 4), y: timestamped('n2 early', 3), z: timestamped('n2 reply', 25), u: timestamped('n2 slow', 31) });
      expectObservable(intervalJoin(mentions, replies, options)).toBe('--p----q--(∞|)', {
        p: pair('n1', ['n1 mention', 0], ['n1 reply', 4]),
        q: pair('n2', ['n2 mention', 20], ['n2 reply', 25]),
        '∞': watermark(Infinity),
      });
    }, vitestEqual));

  it('joins a right value that came first when lowerBound is negative, bounds inclusive', () =>
    marbles(({ cold, expectObservable }) => {
      const left = cold('--a|', { a: timestamped('k1 left', 10) });
      const right = cold('xy-|', { x: timestamped('k1 before', 5), y: timestamped('k1 too early', 4) });
      expectObservable(intervalJoin(left, right, { ...options, lowerBound: -5, upperBound: 0 })).toBe('--p(∞|)', {
        p: pair('k1', ['k1 left', 10], ['k1 before', 5]),
        '∞': watermark(Infinity),
      });
    }, vitestEqual));

  it('holds its watermark at the minimum of both sides, and drops a value behind it', () => {
    const dropped: string[] = [];
    marbles(({ cold, expectObservable }) => {
      const left = cold('a-W---b', { a: timestamped('k1 a', 10), W: watermark(30), b: timestamped('k1 late', 12) });
      const right = cold('-X---y', { X: watermark(20), y: timestamped('k1 y', 21) });
      // the join's watermark is min(30, 20) = 20: y (21) is on time but 11 after a; b (12) is behind 20.
      expectObservable(intervalJoin(left, right, { ...options, onDropped: (e) => dropped.push(String(e.value)) })).toBe('--X', { X: watermark(20) });
    }, vitestEqual);
    expect(dropped).toEqual(['k1 late']);
  });

  it('refuses bounds the wrong way round', () => {
    expect(() => intervalJoin(of(), of(), { ...options, lowerBound: 5, upperBound: 1 })).toThrow(InvalidArgumentError);
  });
});
