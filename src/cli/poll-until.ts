import { filter, take, timer, type Observable } from 'rxjs';

/**
 * Emits once (then completes) as soon as `condition()` holds, checking every `everyMs`, starting now.
 * For emulators that expose a count but no event for it.
 *
 * @example
 * ```ts
 * pollUntil(() => emulator.stats().channels > 0, 20).subscribe(() => emulator.createNote('alice'));
 * ```
 */
export function pollUntil(condition: () => boolean, everyMs: number): Observable<number> {
  return timer(0, everyMs).pipe(filter(condition), take(1));
}
