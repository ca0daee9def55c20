import { defer, filter, map, switchMap, take, timer, type Observable } from 'rxjs';

/**
 * The pace of synthetic traffic: emits 1, 2, 3, … — the first as soon as `listening()` holds (checked every
 * `pollMs`, for emulators that count their subscribers but announce nothing), then every `everyMs` while it
 * still holds, so nothing is produced for nobody.
 *
 * @example
 * ```ts
 * trafficTicks(() => emulator.stats().channels > 0, 500).subscribe((n) => emulator.createNote('alice', { text: `#${n}` }));
 * ```
 */
export function trafficTicks(listening: () => boolean, everyMs: number, pollMs = 10): Observable<number> {
  return defer(() => {
    let n = 0;
    return timer(0, pollMs).pipe(
      filter(listening),
      take(1),
      switchMap(() => timer(0, everyMs)),
      filter(listening),
      map(() => ++n),
    );
  });
}
