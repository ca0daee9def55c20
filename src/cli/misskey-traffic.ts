import { filter, switchMap, timer, type Subscription } from 'rxjs';
import type { MisskeyEmulator } from '../testing/misskey/index.js';
import { pollUntil } from './poll-until.js';

/**
 * Feeds a Misskey emulator synthetic notes by alice (whom admin follows, so they reach every timeline),
 * one every `everyMs` once a channel is connected, while one is. Unsubscribe to stop.
 *
 * @example
 * ```ts
 * const traffic = feedMisskey(emulator, 500);
 * traffic.unsubscribe();
 * ```
 */
export function feedMisskey(emulator: MisskeyEmulator, everyMs: number): Subscription {
  emulator.follow('admin', 'alice');
  const listening = (): boolean => emulator.stats().channels > 0;
  let n = 0;
  return pollUntil(listening, 10)
    .pipe(
      switchMap(() => timer(0, everyMs)),
      filter(listening),
    )
    .subscribe(() => {
      n += 1;
      emulator.createNote('alice', { text: `hello from alice #${n}` });
    });
}
