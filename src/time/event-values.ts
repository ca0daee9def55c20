import { Observable, type OperatorFunction } from 'rxjs';
import type { EventTimeElement } from './event-time-element.js';

/**
 * Leaves event time: drops the watermarks and unwraps each value, for the end of a pipeline (publishing
 * window results, logging).
 *
 * @example
 * ```ts
 * posts$.pipe(withEventTime((p) => p.at), tumblingWindows(60_000, { aggregate: counting() }), eventValues())
 *   .subscribe((w) => console.log(w.start, w.result));
 * ```
 */
export function eventValues<T>(): OperatorFunction<EventTimeElement<T>, T> {
  return (source) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next: (element) => {
          if (element.type === 'event') subscriber.next(element.value);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
}
