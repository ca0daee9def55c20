import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import type { EventTimeElement, Watermark } from './event-time-element.js';

/**
 * Reads a value's event time. `arrival` is the scheduler's clock when the value arrived, for sources
 * without a time of their own (stamp at arrival: `(_, arrival) => arrival`).
 *
 * @example
 * ```ts
 * const noteTime: EventTimeSelector<{ createdAt: string }> = (note) => Date.parse(note.createdAt);
 * ```
 */
export type EventTimeSelector<T> = (value: T, arrival: number) => number;

/**
 * Options of {@link withEventTime}.
 *
 * @example
 * ```ts
 * const options: WithEventTimeOptions = { maxLateness: 5_000, idleTimeout: 30_000 };
 * ```
 */
export interface WithEventTimeOptions {
  /**
   * Bounded out-of-orderness: how far behind the newest event time a value may arrive and still be on
   * time. The watermark trails the largest time seen by this much.
   * @default 0
   */
  maxLateness?: number;
  /**
   * Processing time (ms on `scheduler`) without a value after which the source counts as idle: the
   * watermark moves up to the largest time seen (nothing older is still expected) and is marked `idle`, so
   * {@link mergeEventTime} stops waiting for this source until it delivers again.
   * @default Infinity (never idle)
   */
  idleTimeout?: number;
  /** Clock of `arrival` and of the idle timeout; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Enters event time: each value becomes a {@link Timestamped} element with the time `time` reads from
 * it, followed by a {@link Watermark} whenever the watermark moves. The watermark is the largest time
 * seen minus `maxLateness` (bounded out-of-orderness); after `idleTimeout` of silence it moves up to the
 * largest time seen and is marked idle; when the source completes it goes to `+Infinity`. A time that is
 * not a finite number ends the stream with an {@link InvalidArgumentError}.
 *
 * ```text
 * values   a(t=5) b(t=9) c(t=6) d(t=12) |
 * output   a W3   b W7   c      d W10   W∞|     (maxLateness 2: c arrives behind W7, so it is late)
 * ```
 *
 * @example
 * ```ts
 * import { withEventTime } from 'streamrx';
 * notes$.pipe(withEventTime((note) => Date.parse(note.createdAt), { maxLateness: 5_000, idleTimeout: 30_000 }));
 * ```
 */
export function withEventTime<T>(time: EventTimeSelector<T>, options: WithEventTimeOptions = {}): OperatorFunction<T, EventTimeElement<T>> {
  const { maxLateness = 0, idleTimeout = Infinity, scheduler = asyncScheduler } = options;
  if (!(maxLateness >= 0)) throw new InvalidArgumentError(`withEventTime maxLateness must be 0 or more, got ${maxLateness}`);
  if (!(idleTimeout > 0)) throw new InvalidArgumentError(`withEventTime idleTimeout must be positive, got ${idleTimeout}`);
  const tracksIdle = idleTimeout !== Infinity;
  const readsClock = tracksIdle || time.length >= 2;
  return (source) =>
    new Observable<EventTimeElement<T>>((subscriber) => {
      let maxTime = -Infinity;
      let current = -Infinity;
      let lastArrival = scheduler.now();
      let timer: Subscription | undefined;
      const emitWatermark = (mark: Watermark): void => {
        current = mark.time;
        subscriber.next(mark);
      };
      const checkIdle = (): void => {
        timer = undefined;
        const silentFor = scheduler.now() - lastArrival;
        if (silentFor < idleTimeout) {
          timer = scheduler.schedule(checkIdle, idleTimeout - silentFor);
          return;
        }
        emitWatermark({ type: 'watermark', time: Math.max(current, maxTime), idle: true });
      };
      if (tracksIdle) timer = scheduler.schedule(checkIdle, idleTimeout);
      const subscription = source.subscribe({
        next: (value) => {
          const arrival = readsClock ? scheduler.now() : 0;
          const at = time(value, arrival);
          if (!Number.isFinite(at)) {
            subscriber.error(new InvalidArgumentError(`withEventTime: the event time of a value is ${String(at)}, not a finite number`));
            return;
          }
          subscriber.next({ type: 'event', value, time: at });
          if (at > maxTime) {
            maxTime = at;
            if (at - maxLateness > current) emitWatermark({ type: 'watermark', time: at - maxLateness });
          }
          if (!tracksIdle) return;
          lastArrival = arrival;
          timer ??= scheduler.schedule(checkIdle, idleTimeout);
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          if (current !== Infinity) emitWatermark({ type: 'watermark', time: Infinity });
          subscriber.complete();
        },
      });
      return () => {
        timer?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
