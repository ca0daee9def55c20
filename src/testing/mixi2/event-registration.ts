import { EventReason, type Event } from '../../mixi2/protocol.js';
import type { Mixi2Registrable, Mixi2Store } from './store.js';

/**
 * Makes what an event carries known to the store, as the real service knows it before it sends the event:
 * the post, its issuer and community of POST_CREATED; the message and issuer of CHAT_MESSAGE_RECEIVED;
 * the member and community of COMMUNITY_MEMBER_CHANGED (membership joined or left); the community of
 * COMMUNITY_PLUGIN_MANAGED (installation added or removed). So a test can push an event and then reply
 * to its post through the API.
 *
 * @example
 * ```ts
 * registerEventValues(store, buildPostCreatedEvent({ postId: 'post-3' }));
 * store.posts.has('post-3'); // true
 * ```
 */
export function registerEventValues(store: Mixi2Store, event: Event): void {
  const body = event.body;
  switch (body?.$case) {
    case 'postCreatedEvent':
      return store.register(...present(body.value.issuer, body.value.postedCommunity, body.value.post));
    case 'chatMessageReceivedEvent':
      return store.register(...present(body.value.issuer, body.value.message));
    case 'communityMemberChangedEvent': {
      const { member, community, eventReasonList } = body.value;
      store.register(...present(member, community));
      if (member && community) setMembership(store, community.communityId, member.userId, !isLeave(eventReasonList));
      return;
    }
    case 'communityPluginManagedEvent': {
      const { community, eventReasonList } = body.value;
      if (!community) return;
      store.register(community);
      if (isUninstall(eventReasonList)) store.installations.delete(community.communityId);
      else if (!store.installations.has(community.communityId)) store.installations.set(community.communityId, store.versions[0]?.applicationVersionId ?? '');
      return;
    }
    default:
      return;
  }
}

function present(...values: Array<Mixi2Registrable | undefined>): Mixi2Registrable[] {
  return values.filter((value): value is Mixi2Registrable => value !== undefined);
}

function setMembership(store: Mixi2Store, communityId: string, userId: string, member: boolean): void {
  const others = (store.members.get(communityId) ?? []).filter((id) => id !== userId);
  store.members.set(communityId, member ? [...others, userId] : others);
}

function isLeave(reasons: readonly number[]): boolean {
  return reasons.includes(EventReason.EVENT_REASON_COMMUNITY_MEMBER_LEFT);
}

function isUninstall(reasons: readonly number[]): boolean {
  return reasons.includes(EventReason.EVENT_REASON_COMMUNITY_PLUGIN_UNINSTALLED);
}
