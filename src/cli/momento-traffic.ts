import type { Subscription } from 'rxjs';
import type { MomentoEmulator } from '../testing/momento/index.js';
import { trafficTicks } from './traffic-ticks.js';

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
  return trafficTicks(() => emulator.streams({ cacheName, topic }).length > 0, everyMs).subscribe((n) => {
    emulator.publish(cacheName, topic, JSON.stringify({ n, text: `hello #${n}` }));
  });
}
