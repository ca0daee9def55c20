/**
 * A value with its event time: when it happened at the source (a post's creation time), as opposed to
 * when it arrived (processing time). Times are numbers in one unit per stream, usually epoch milliseconds.
 *
 * @example
 * ```ts
 * const post: Timestamped<string> = { type: 'event', value: '#rxjs is fun', time: Date.parse('2026-11-27T09:30:00Z') };
 * ```
 */
export interface Timestamped<T> {
  /** Discriminant: a value. */
  readonly type: 'event';
  /** The value. */
  readonly value: T;
  /** Its event time. */
  readonly time: number;
}

/**
 * The stream's promise about event time: every value with a time before `time` has arrived. A value that
 * arrives with a smaller time afterwards is **late**. Watermarks only move forward; `+Infinity` means the
 * stream is complete.
 *
 * @example
 * ```ts
 * const mark: Watermark = { type: 'watermark', time: 1_000 };            // values before t=1000 are in
 * const quiet: Watermark = { type: 'watermark', time: 1_000, idle: true }; // and the source has gone quiet
 * ```
 */
export interface Watermark {
  /** Discriminant: a watermark. */
  readonly type: 'watermark';
  /** Every value with a smaller event time has arrived. */
  readonly time: number;
  /**
   * Present and `true` when the source has been silent for its idle timeout: a merge then stops waiting
   * for it (see {@link mergeEventTime}) until it delivers a value again.
   */
  readonly idle?: true;
}

/**
 * What an event-time stream carries: values with their times, and watermarks, in one discriminated union
 * (on `type`). The operators of streamrx's event-time family take and give streams of these, so they
 * compose with `pipe`, merge with {@link mergeEventTime} and are marble-tested with plain objects.
 *
 * @example
 * ```ts
 * const elements: EventTimeElement<string>[] = [timestamped('a', 5), timestamped('b', 3), watermark(4)];
 * ```
 */
export type EventTimeElement<T> = Timestamped<T> | Watermark;

/**
 * Builds a {@link Timestamped} value (handy in marble tests).
 *
 * @example
 * ```ts
 * timestamped('a', 5); // { type: 'event', value: 'a', time: 5 }
 * ```
 */
export function timestamped<T>(value: T, time: number): Timestamped<T> {
  return { type: 'event', value, time };
}

/**
 * Builds a {@link Watermark} (handy in marble tests); `idle` marks a source that has gone quiet.
 *
 * @example
 * ```ts
 * watermark(10);       // { type: 'watermark', time: 10 }
 * watermark(10, true); // { type: 'watermark', time: 10, idle: true }
 * ```
 */
export function watermark(time: number, idle = false): Watermark {
  return idle ? { type: 'watermark', time, idle: true } : { type: 'watermark', time };
}

/**
 * Whether an element is a watermark (a type guard for `filter`).
 *
 * @example
 * ```ts
 * elements$.pipe(filter(isWatermark)).subscribe((w) => console.log('complete up to', w.time));
 * ```
 */
export function isWatermark<T>(element: EventTimeElement<T>): element is Watermark {
  return element.type === 'watermark';
}

/**
 * Whether an element is a timestamped value (a type guard for `filter`).
 *
 * @example
 * ```ts
 * elements$.pipe(filter(isTimestamped)).subscribe((e) => console.log(e.value, 'at', e.time));
 * ```
 */
export function isTimestamped<T>(element: EventTimeElement<T>): element is Timestamped<T> {
  return element.type === 'event';
}
