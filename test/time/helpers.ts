import { expect } from 'vitest';
import type { Timestamped, WindowResult } from '../../src/index.js';

/** Deep equality with vitest's diff, for `marbles()`. */
export const vitestEqual = { assertDeepEqual: (actual: unknown, expected: unknown) => expect(actual).toEqual(expected) };

/** The element a window operator emits for one key's result (stamped `end - 1`). */
export function windowResult<K, R>(key: K, start: number, end: number, result: R, kind: WindowResult<K, R>['kind'] = 'onTime'): Timestamped<WindowResult<K, R>> {
  return { type: 'event', value: { key, start, end, result, kind }, time: end - 1 };
}
