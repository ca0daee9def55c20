import { InvalidArgumentError } from '../core/errors.js';

/**
 * How a window folds its values into a result: a combiner in the style of Flink's `AggregateFunction`.
 * `add` returns the new accumulator (return the same object after mutating it, or a new value);
 * `result` reads the window's result from it, and must not hand out an accumulator that a later `add`
 * mutates (results are emitted again as updates). `merge` combines two accumulators: session windows
 * need it when an event bridges two sessions.
 *
 * @example
 * ```ts
 * const average: Aggregator<number, { sum: number; n: number }, number> = {
 *   create: () => ({ sum: 0, n: 0 }),
 *   add: (acc, value) => ({ sum: acc.sum + value, n: acc.n + 1 }),
 *   result: (acc) => acc.sum / acc.n,
 *   merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
 * };
 * ```
 */
export interface Aggregator<T, A, R> {
  /** A fresh accumulator, for a key's first value in a window. */
  create(): A;
  /** Folds one value in; returns the accumulator. */
  add(accumulator: A, value: T): A;
  /** The result of an accumulator. */
  result(accumulator: A): R;
  /** Two accumulators as one (session windows only). */
  merge?(a: A, b: A): A;
}

/**
 * Counts the values of a window.
 *
 * @example
 * ```ts
 * tumblingWindows(60_000, { key: (post) => post.author, aggregate: counting() });
 * ```
 */
export function counting<T = unknown>(): Aggregator<T, number, number> {
  return { create: () => 0, add: (n) => n + 1, result: (n) => n, merge: (a, b) => a + b };
}

/**
 * Sums a number read from each value of a window.
 *
 * @example
 * ```ts
 * tumblingWindows(60_000, { key: (r) => r.noteId, aggregate: summing((r) => r.count) });
 * ```
 */
export function summing<T>(amount: (value: T) => number): Aggregator<T, number, number> {
  return { create: () => 0, add: (sum, value) => sum + amount(value), result: (sum) => sum, merge: (a, b) => a + b };
}

/**
 * Folds a window's values with a reducer from a seed, like `Array.prototype.reduce`; the accumulator is
 * the result. Give `merge` to use it with session windows. Keep the accumulator immutable (return a new
 * one), since results are emitted again as updates.
 *
 * @example
 * ```ts
 * slidingWindows(300_000, 60_000, { aggregate: reducing((longest: string, text: string) => (text.length > longest.length ? text : longest), '') });
 * ```
 */
export function reducing<T, A>(reducer: (accumulator: A, value: T) => A, seed: A, merge?: (a: A, b: A) => A): Aggregator<T, A, A> {
  if (typeof reducer !== 'function') throw new InvalidArgumentError('reducing needs a reducer function');
  return { create: () => seed, add: reducer, result: (acc) => acc, ...(merge ? { merge } : {}) };
}
