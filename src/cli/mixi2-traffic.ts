import { filter, switchMap, timer, type Subscription } from 'rxjs';
import type { Event } from '../mixi2/index.js';
import {
  buildChatMessageReceivedEvent,
  buildCommunityMemberChangedEvent,
  buildMixi2User,
  buildPostCreatedEvent,
  type Mixi2Emulator,
} from '../testing/mixi2/index.js';

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
  let n = 0;
  return emulator.openStreams$
    .pipe(
      switchMap((open) => (open > 0 ? timer(0, everyMs) : [])),
      filter(() => emulator.openStreams > 0),
    )
    .subscribe(() => {
      emulator.push(syntheticEvent(n++));
    });
}
