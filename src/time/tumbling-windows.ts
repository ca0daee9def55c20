import type { OperatorFunction } from 'rxjs';
import type { EventTimeElement } from './event-time-element.js';
import { slidingWindows } from './sliding-windows.js';
import type { WindowOptions, WindowResult } from './window-options.js';

/**
 * Keyed tumbling windows in event time: back-to-back windows of `size` (aligned to time 0), each value in
 * exactly one, `[start, start + size)`: a value exactly on a boundary belongs to the window that starts
 * there. Results, lateness, early results and release as in {@link slidingWindows} (tumbling windows are
 * sliding windows whose slide is their size).
 *
 * ```text
 * size 10, allowedLateness 5   a(3)  W10           b(8)              W14   c(9)              W15   d(7)
 * output                             [0,10)=1 W10  [0,10)=2 update   W14   [0,10)=3 update   W15   (dropped)
 * ```
 *
 * @example
 * ```ts
 * import { counting, eventValues, tumblingWindows, withEventTime } from 'streamrx';
 * posts$.pipe(
 *   withEventTime((p) => p.createdAt, { maxLateness: 2_000 }),
 *   tumblingWindows(60_000, { key: (p) => p.author, aggregate: counting() }),
 *   eventValues(),
 * ).subscribe(({ key, result }) => result > 10 && console.log(`${key} posted ${result} times in a minute`));
 * ```
 */
export function tumblingWindows<T, K = undefined, A = unknown, R = unknown>(
  size: number,
  options: WindowOptions<T, K, A, R>,
): OperatorFunction<EventTimeElement<T>, EventTimeElement<WindowResult<K, R>>> {
  return slidingWindows(size, size, options);
}
