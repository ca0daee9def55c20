import { asyncScheduler, concatMap, defer, of, switchMap, timer, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { InvalidArgumentError } from '../src/index.js';

/** Options of {@link concatMapWithinLimit}. */
export interface RateLimitOptions {
  /** Calls allowed to start in any window. */
  limit: number;
  /** Length of the sliding window, in milliseconds. @default 60000 */
  window?: number;
  /** Least time between two starts, in milliseconds. @default 0 */
  minInterval?: number;
  /** Clock and timers; virtualised inside `TestScheduler.run()`. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * `concatMap` whose calls start at most `limit` times in any sliding `window` and at least `minInterval`
 * apart: each value waits (in order, none dropped) until the previous call has finished and the window has room. The start of the
 * call is what counts, so a slow call never lets later ones bunch up past the limit. A client-side guard
 * for a documented rate limit, e.g. mixi2's 20 calls per minute per RPC.
 *
 * @example
 * ```ts
 * replies$.pipe(concatMapWithinLimit((r) => client.api.createPost(r), { limit: 20, window: 60_000 }));
 * ```
 */
export function concatMapWithinLimit<T, R>(project: (value: T) => Observable<R>, options: RateLimitOptions): OperatorFunction<T, R> {
  const { limit, window = 60_000, minInterval = 0, scheduler = asyncScheduler } = options;
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidArgumentError(`rate limit must be a positive integer, got ${String(limit)}`);
  return (source) =>
    defer(() => {
      const starts: number[] = [];
      const slot = (): Observable<unknown> =>
        defer(() => {
          const now = scheduler.now();
          while (starts.length > 0 && starts[0]! <= now - window) starts.shift();
          const windowWait = starts.length < limit ? 0 : starts[0]! + window - now;
          const last = starts[starts.length - 1];
          const wait = Math.max(windowWait, last === undefined ? 0 : last + minInterval - now);
          return wait > 0 ? timer(wait, scheduler) : of(0);
        });
      const record = (): void => {
        starts.push(scheduler.now());
        if (starts.length > limit) starts.shift();
      };
      return source.pipe(
        concatMap((value) =>
          slot().pipe(
            switchMap(() => {
              record();
              return project(value);
            }),
          ),
        ),
      );
    });
}
