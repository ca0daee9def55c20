import { defer, map, Observable, switchMap, throwError, timer, type SchedulerLike } from 'rxjs';
import { RequestTimeoutError } from '../core/errors.js';
import { backoffDelay } from '../core/retry-backoff.js';
import type { Mixi2Api } from './api.js';
import { Mixi2MediaFailedError } from './media-errors.js';
import { GetPostMediaStatusResponse_Status as MediaStatus } from './protocol.js';

/**
 * How {@link Mixi2Client.uploadMedia} polls GetPostMediaStatus: the first poll `initialDelay` after the
 * upload, each next one `multiplier` times later, at most `maxDelay` apart, for at most `timeout` in all.
 *
 * @example
 * ```ts
 * const polling: Mixi2MediaPolling = { initialDelay: 1000, maxDelay: 10_000 };
 * ```
 */
export interface Mixi2MediaPolling {
  /** Wait before the first poll, in ms. @default 500 */
  initialDelay?: number;
  /** Growth of the wait between polls. @default 1.5 */
  multiplier?: number;
  /** Longest wait between polls, in ms. @default 5000 */
  maxDelay?: number;
  /** Longest time processing may take, in ms; past it the upload ends with `RequestTimeoutError`. @default 300000 */
  timeout?: number;
}

/**
 * Polls the status of `mediaId` with backoff: emits each status seen (UPLOAD_PENDING, PROCESSING) and
 * completes after COMPLETED (emitted last); STATUS_FAILED errors with {@link Mixi2MediaFailedError}, and a
 * status still unfinished once `timeout` has passed errors with `RequestTimeoutError`.
 */
export function pollMediaStatus(api: Mixi2Api, mediaId: string, polling: Mixi2MediaPolling, scheduler: SchedulerLike): Observable<MediaStatus> {
  const { initialDelay = 500, multiplier = 1.5, maxDelay = 5000, timeout: limit = 300_000 } = polling;
  const poll = (attempt: number, started: number): Observable<MediaStatus> =>
    afterWait(backoffDelay(attempt, { initialDelay, multiplier, maxDelay }), scheduler, defer(() => api.getPostMediaStatus({ mediaId }))).pipe(
      map(({ status }) => status),
      switchMap((status) => {
        if (status === MediaStatus.STATUS_FAILED) return throwError(() => new Mixi2MediaFailedError(mediaId));
        if (status === MediaStatus.STATUS_COMPLETED) return [status];
        if (scheduler.now() - started >= limit) {
          return throwError(() => new RequestTimeoutError(`mixi2 media ${mediaId} was not processed within ${limit} ms`));
        }
        return new Observable<MediaStatus>((subscriber) => {
          subscriber.next(status);
          return poll(attempt + 1, started).subscribe(subscriber);
        });
      }),
    );
  return defer(() => poll(1, scheduler.now()));
}

/** `call` after `wait` ms; at once (no timer) when `wait` is 0. */
function afterWait<T>(wait: number, scheduler: SchedulerLike, call: Observable<T>): Observable<T> {
  return wait > 0 ? timer(wait, scheduler).pipe(switchMap(() => call)) : call;
}
