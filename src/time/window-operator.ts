import { asyncScheduler, interval, Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import type { EventTimeElement, Timestamped } from './event-time-element.js';
import type { WindowOptions, WindowResult } from './window-options.js';

/** The windows of one subscription, as the window operators drive them. */
export interface WindowState<T> {
  /** A value arrived. */
  add(element: Timestamped<T>): void;
  /** The watermark moved to `time`; `mark` is the watermark to forward (a new one when `undefined`). */
  advance(time: number, mark: EventTimeElement<never> | undefined): void;
  /** Emits the early results due. */
  emitEarly(): void;
}

/**
 * A window operator: a fresh state per subscription fed with the input's values and watermarks, early
 * results on their interval, and every open window emitted on completion.
 */
export function windowOperator<T, K, R>(
  options: WindowOptions<T, K, unknown, R>,
  createState: (out: Subscriber<EventTimeElement<WindowResult<K, R>>>) => WindowState<T>,
): OperatorFunction<EventTimeElement<T>, EventTimeElement<WindowResult<K, R>>> {
  return (source) =>
    new Observable((subscriber) => {
      const state = createState(subscriber);
      const early = options.earlyResults === undefined ? undefined : interval(options.earlyResults, options.scheduler ?? asyncScheduler).subscribe(() => state.emitEarly());
      const subscription = source.subscribe({
        next: (element) => (element.type === 'event' ? state.add(element) : state.advance(element.time, element)),
        error: (e) => subscriber.error(e),
        complete: () => {
          state.advance(Infinity, undefined);
          subscriber.complete();
        },
      });
      return () => {
        early?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
