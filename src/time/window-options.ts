import type { SchedulerLike } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import type { Aggregator } from './aggregator.js';
import type { Timestamped } from './event-time-element.js';

/**
 * One result of a window for one key. `kind` says when it was produced: `'early'` before the window's
 * end (a partial result, `earlyResults`), `'onTime'` when the watermark passed the end, `'update'` after
 * that, when a late value within `allowedLateness` corrected it (a key whose values were all late gets
 * an update as its first result). The element carrying it is stamped `end - 1`, the window's last
 * instant, so window results can be windowed again downstream.
 *
 * @example
 * ```ts
 * const result: WindowResult<string, number> = { key: '#rxjs', start: 0, end: 60_000, result: 12, kind: 'onTime' };
 * ```
 */
export interface WindowResult<K, R> {
  /** The key the window belongs to. */
  readonly key: K;
  /** The window's first instant (inclusive). */
  readonly start: number;
  /** The window's end (exclusive). */
  readonly end: number;
  /** The aggregate of the key's values in the window. */
  readonly result: R;
  /** Early, on time, or a late correction. */
  readonly kind: 'early' | 'onTime' | 'update';
}

/**
 * Options of {@link tumblingWindows}, {@link slidingWindows} and {@link sessionWindows}.
 *
 * @example
 * ```ts
 * const options: WindowOptions<{ tag: string }, string, number, number> = {
 *   key: (post) => post.tag, aggregate: counting(), allowedLateness: 60_000, onDropped: () => dropped++,
 * };
 * ```
 */
export interface WindowOptions<T, K, A, R> {
  /**
   * The key of a value; each key has its own windows. Keys are compared as Map keys (by value for
   * strings and numbers).
   * @default every value under the key `undefined`
   */
  key?: (value: T) => K;
  /** Folds a window's values into its result: {@link counting}, {@link summing}, {@link reducing} or your own. Required. */
  aggregate: Aggregator<T, A, R>;
  /**
   * How long (in event time) after its end a window still takes late values, each re-emitting the
   * window's result as an `'update'`. The window's state is released once the watermark passes
   * `end + allowedLateness`; later values are dropped (`onDropped`).
   * @default 0
   */
  allowedLateness?: number;
  /**
   * Processing-time interval (ms on `scheduler`) of early results: every so often, each open window whose
   * result changed since it was last emitted emits it as `'early'`.
   * @default undefined (no early results)
   */
  earlyResults?: number;
  /** Told about each value that arrived behind the watermark but within allowed lateness (folded in). @default none */
  onLate?: (value: Timestamped<T>) => void;
  /** Told about each value too late for every window it belongs to (dropped): a side output or a counter. @default none */
  onDropped?: (value: Timestamped<T>) => void;
  /** Clock of `earlyResults`; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** The element carrying one window result, stamped with the window's last instant. */
export function windowResultElement<K, R>(key: K, start: number, end: number, result: R, kind: WindowResult<K, R>['kind']): Timestamped<WindowResult<K, R>> {
  return { type: 'event', value: { key, start, end, result, kind }, time: end - 1 };
}

/** Validates what every window operator takes. */
export function checkWindowOptions(options: WindowOptions<never, unknown, unknown, unknown>): void {
  const { aggregate, allowedLateness = 0, earlyResults } = options;
  if (!aggregate || typeof aggregate.add !== 'function') throw new InvalidArgumentError('windows need an aggregate (counting(), summing(), reducing() or an Aggregator)');
  if (!(allowedLateness >= 0)) throw new InvalidArgumentError(`allowedLateness must be 0 or more, got ${allowedLateness}`);
  if (earlyResults !== undefined && !(earlyResults > 0)) throw new InvalidArgumentError(`earlyResults must be a positive interval in ms, got ${earlyResults}`);
}

/** The key of every value when the options give no `key`. */
export const noKey = (): undefined => undefined;
