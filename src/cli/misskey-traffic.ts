import type { Subscription } from 'rxjs';
import type { MisskeyEmulator } from '../testing/misskey/index.js';
import { trafficTicks } from './traffic-ticks.js';

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
  return trafficTicks(() => emulator.stats().channels > 0, everyMs).subscribe((n) => {
    emulator.createNote('alice', { text: `hello from alice #${n}` });
  });
}
