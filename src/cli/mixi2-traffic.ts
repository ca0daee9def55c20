import type { Subscription } from 'rxjs';
import type { Event } from '../mixi2/index.js';
import {
  buildChatMessageReceivedEvent,
  buildCommunityMemberChangedEvent,
  buildMixi2User,
  buildPostCreatedEvent,
  type Mixi2Emulator,
} from '../testing/mixi2/index.js';
import { trafficTicks } from './traffic-ticks.js';

const alice = buildMixi2User({ userId: 'user-alice', name: 'alice', displayName: 'Alice' });

/** The n-th synthetic event: mentions, chat messages and a member joining, in turn. */
function syntheticEvent(n: number): Event {
  switch (n % 3) {
    case 0:
      return buildPostCreatedEvent({ text: `@bot hello #${n}` }, { issuer: alice });
    case 1:
      return buildChatMessageReceivedEvent({ text: `/ping ${n}` }, { issuer: alice });
    default:
      return buildCommunityMemberChangedEvent();
  }
}

/**
 * Feeds a mixi2 emulator synthetic events (a mention, a chat message, a member joining, in turn), one every
 * `everyMs` while at least one event stream is open. Unsubscribe to stop.
 *
 * @example
 * ```ts
 * const traffic = feedMixi2(emulator, 500);
 * traffic.unsubscribe();
 * ```
 */
export function feedMixi2(emulator: Mixi2Emulator, everyMs: number): Subscription {
  return trafficTicks(() => emulator.stats().openStreams > 0, everyMs).subscribe((n) => {
    emulator.push(syntheticEvent(n - 1));
  });
}
