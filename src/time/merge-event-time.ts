import { Observable, Subscription } from 'rxjs';
import type { EventTimeElement } from './event-time-element.js';
import { WatermarkMerger } from './watermark-merger.js';

/**
 * Merges event-time streams into one: values pass as they arrive, and the merged watermark is the minimum
 * of the inputs' watermarks, so it only promises what every input promises. An input that is idle (its
 * last watermark is marked `idle`, see `withEventTime`'s `idleTimeout`) or has completed stops holding it
 * back; an idle input counts again from its next value (whose values may then be late). When every input
 * left is idle the merged watermark is their minimum, marked idle. Completes when every input has, with a
 * last watermark at `+Infinity`; errors as soon as one input errors.
 *
 * ```text
 * mixi2     a(5) W5 ------------ b(9) W9 ----------------- |
 * misskey   -------- x(4) W4 ---------------- W8 (idle)
 * merged    a ------ x    W4 --- b ---------- W9 ---------- W9 (idle)
 * ```
 *
 * @example
 * ```ts
 * import { mergeEventTime, withEventTime } from 'streamrx';
 * const all$ = mergeEventTime(
 *   mixi2Posts$.pipe(withEventTime(mixi2EventTime, { maxLateness: 2_000, idleTimeout: 10_000 })),
 *   notes$.pipe(withEventTime(misskeyNoteTime, { maxLateness: 5_000, idleTimeout: 10_000 })),
 * );
 * ```
 */
export function mergeEventTime<T>(...sources: ReadonlyArray<Observable<EventTimeElement<T>>>): Observable<EventTimeElement<T>> {
  return new Observable<EventTimeElement<T>>((subscriber) => {
    const merger = new WatermarkMerger(sources.length);
    let completed = 0;
    const subscriptions = new Subscription();
    sources.forEach((source, index) => {
      subscriptions.add(
        source.subscribe({
          next: (element) => {
            if (element.type === 'event') {
              merger.valueFrom(index);
              subscriber.next(element);
              return;
            }
            const mark = merger.watermarkFrom(index, element);
            if (mark) subscriber.next(mark);
          },
          error: (e) => subscriber.error(e),
          complete: () => {
            const mark = merger.completed(index);
            if (mark) subscriber.next(mark);
            if (++completed === sources.length) subscriber.complete();
          },
        }),
      );
    });
    if (sources.length === 0) subscriber.complete();
    return subscriptions;
  });
}
