import { filter, switchMap, timer, type Subscription } from 'rxjs';
import type { MomentoEmulator } from '../testing/momento/index.js';
import { pollUntil } from './poll-until.js';

/**
 * Publishes synthetic JSON items (`{"n":1,"text":"hello #1"}`, …) on one topic of a Momento emulator, one
 * every `everyMs` once that topic has a subscriber, while it has one. Unsubscribe to stop.
 *
 * @example
 * ```ts
 * const traffic = feedMomento(emulator, 'cache', 'demo', 500);
 * traffic.unsubscribe();
 * ```
 */
export function feedMomento(emulator: MomentoEmulator, cacheName: string, topic: string, everyMs: number): Subscription {
  const listening = (): boolean => emulator.streams({ cacheName, topic }).length > 0;
  let n = 0;
  return pollUntil(listening, 10)
    .pipe(
      switchMap(() => timer(0, everyMs)),
      filter(listening),
    )
    .subscribe(() => {
      n += 1;
      emulator.publish(cacheName, topic, JSON.stringify({ n, text: `hello #${n}` }));
    });
}
