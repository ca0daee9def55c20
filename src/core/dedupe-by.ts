import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';

/** Options of {@link dedupeBy}. */
export interface DedupeOptions {
  /** Most keys remembered; past it the oldest is forgotten first. @default 10000 */
  capacity?: number;
  /** How long a key is remembered after it was first seen, in milliseconds. @default Infinity */
  ttl?: number;
  /** Clock for `ttl`; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Drops values whose key was already seen within a bounded window: at most `capacity` keys (oldest
 * forgotten first), each for at most `ttl` ms after it was first seen. Memory stays bounded however long
 * the stream runs. For at-least-once inputs: webhook retries, reconnect overlaps, gap-fill against live.
 *
 * @example
 * ```ts
 * webhookEvents$.pipe(dedupeBy((e) => e.eventId, { capacity: 50_000, ttl: 3_600_000 }));
 * ```
 */
export function dedupeBy<T, K>(key: (value: T) => K, options: DedupeOptions = {}): MonoTypeOperatorFunction<T> {
  const { capacity = 10_000, ttl = Infinity, scheduler = asyncScheduler } = options;
  return (source) =>
    new Observable<T>((subscriber) => {
      const seenUntil = new Map<K, number>();
      const forgetExpired = (now: number): void => {
        for (const [k, until] of seenUntil) {
          if (until > now) return;
          seenUntil.delete(k);
        }
      };
      return source.subscribe({
        next: (value) => {
          const k = key(value);
          const now = ttl === Infinity ? 0 : scheduler.now();
          const until = seenUntil.get(k);
          if (until !== undefined && until > now) return;
          if (until !== undefined) seenUntil.delete(k);
          if (ttl !== Infinity) forgetExpired(now);
          seenUntil.set(k, now + ttl);
          if (seenUntil.size > capacity) seenUntil.delete(seenUntil.keys().next().value as K);
          subscriber.next(value);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
