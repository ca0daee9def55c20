import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { IdleTimeoutError } from './errors.js';
import { ValueSubscriber } from './value-subscriber.js';

/** Options of {@link watchdog}. */
export interface WatchdogOptions {
  /**
   * Signals of life that are not values (pings, protocol heartbeats). Each one resets the timer; none is
   * emitted downstream. Subscribed together with the source and released with it.
   * @default none
   */
  heartbeats?: Observable<unknown>;
  /** Scheduler of the timer; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Errors with {@link IdleTimeoutError} when neither a value nor a heartbeat arrives for `idleMs`
 * milliseconds, so a silently dead connection is detected and, upstream of `retryBackoff`, replaced.
 * Costs one clock read per value: the timer is re-armed lazily, not per value.
 *
 * @example
 * ```ts
 * const pings$ = new Subject<void>();
 * raw$.pipe(tap((e) => e.isPing && pings$.next()), filter((e) => !e.isPing),
 *   watchdog(60_000, { heartbeats: pings$ }), retryBackoff());
 * ```
 */
export function watchdog<T>(idleMs: number, options: WatchdogOptions = {}): MonoTypeOperatorFunction<T> {
  const { heartbeats, scheduler = asyncScheduler } = options;
  return (source) =>
    new Observable<T>((subscriber) => {
      let lastLife = scheduler.now();
      let timer: Subscription | undefined;
      const check = (): void => {
        const silentFor = scheduler.now() - lastLife;
        if (silentFor >= idleMs) subscriber.error(new IdleTimeoutError(idleMs));
        else timer = scheduler.schedule(check, idleMs - silentFor);
      };
      timer = scheduler.schedule(check, idleMs);
      const alive = (): void => {
        lastLife = scheduler.now();
      };
      const heartbeatSubscription = heartbeats?.subscribe({ next: alive, error: (e) => subscriber.error(e) });
      const sourceSubscription = source.subscribe(
        new ValueSubscriber<T>(subscriber, (value) => {
          lastLife = scheduler.now();
          subscriber.next(value);
        }),
      );
      return () => {
        timer?.unsubscribe();
        heartbeatSubscription?.unsubscribe();
        sourceSubscription.unsubscribe();
      };
    });
}
