import { describe, it } from 'vitest';
import { mergeEventTime, timestamped, watermark } from '../../src/index.js';
import { marbles } from '../../src/testing/index.js';
import { vitestEqual } from './helpers.js';

const elements = {
  a: timestamped('a', 5), b: timestamped('b', 9), x: timestamped('x', 4),
  '5': watermark(5), '9': watermark(9), '4': watermark(4), '8': watermark(8), I: watermark(8, true), '∞': watermark(Infinity),
};

describe('mergeEventTime', () => {
  it('passes values as they come and holds the watermark at the minimum of the inputs', () =>
    marbles(({ cold, expectObservable }) => {
      const mixi2 = /*  */ cold('a5----b9', elements);
      const misskey = /**/ cold('--x4----8', elements);
      // 5 waits for misskey; misskey's 4 is the minimum; 9 waits; misskey's 8 is the new minimum.
      expectObservable(mergeEventTime(mixi2, misskey)).toBe('a-x4--b-8', elements);
    }, vitestEqual));

  it('stops waiting for an idle input, and for a completed one', () =>
    marbles(({ cold, expectObservable }) => {
      const mixi2 = /*  */ cold('a5--b9-----|', elements);
      const misskey = /**/ cold('-x4-----I', elements);
      // misskey goes idle at 8: the merge follows mixi2 (9). mixi2 completes: only idle misskey is left,
      // so the merged watermark is idle too (and stays at 9: it never moves back).
      expectObservable(mergeEventTime(mixi2, misskey)).toBe('ax4-b---9--J', { ...elements, J: watermark(9, true) });
    }, vitestEqual));

  it('goes to +Infinity and completes once every input has completed', () =>
    marbles(({ cold, expectObservable }) => {
      expectObservable(mergeEventTime(cold('a5|', elements), cold('-x4-|', elements))).toBe('ax4-(∞|)', elements);
    }, vitestEqual));
});
