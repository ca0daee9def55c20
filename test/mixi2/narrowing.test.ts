import { filter, from, lastValueFrom, toArray } from 'rxjs';
import { match, P } from 'ts-pattern';
import { describe, expect, it } from 'vitest';
import {
  isChatMessageReceived,
  isCommunityMemberChanged,
  isCommunityPluginManaged,
  isEventOf,
  isPing,
  isPostCreated,
  type Event,
} from '../../src/mixi2/index.js';
import {
  buildChatMessageReceivedEvent,
  buildCommunityMemberChangedEvent,
  buildCommunityPluginManagedEvent,
  buildPingEvent,
  buildPostCreatedEvent,
} from '../../src/testing/mixi2/index.js';

const events: Event[] = [
  buildPostCreatedEvent({ text: 'post' }),
  buildChatMessageReceivedEvent({ text: 'chat' }),
  buildCommunityMemberChangedEvent(),
  buildCommunityPluginManagedEvent(),
  buildPingEvent(),
];

describe('event narrowing helpers', () => {
  it('filter and narrow by kind', async () => {
    const posts = await lastValueFrom(from(events).pipe(filter(isPostCreated), toArray()));
    expect(posts.map((e) => e.body.value.post?.text)).toEqual(['post']);
    const chats = await lastValueFrom(from(events).pipe(filter(isChatMessageReceived), toArray()));
    expect(chats.map((e) => e.body.value.message?.text)).toEqual(['chat']);
    expect(events.filter(isCommunityMemberChanged)).toHaveLength(1);
    expect(events.filter(isCommunityPluginManaged)).toHaveLength(1);
    expect(events.filter(isEventOf('pingEvent'))).toHaveLength(1);
    expect(events.filter(isPing)).toHaveLength(1);
  });

  it('supports an exhaustive ts-pattern match on the body (the TSDoc example)', () => {
    const describeEvent = (event: Event): string =>
      match(event.body)
        .with({ $case: 'postCreatedEvent' }, ({ value }) => `post ${value.post?.text}`)
        .with({ $case: 'chatMessageReceivedEvent' }, ({ value }) => `chat ${value.message?.text}`)
        .with({ $case: 'communityMemberChangedEvent' }, ({ value }) => `member ${value.eventReasonList.join()}`)
        .with({ $case: 'communityPluginManagedEvent' }, ({ value }) => `plugin ${value.eventReasonList.join()}`)
        .with({ $case: 'pingEvent' }, P.nullish, () => 'nothing')
        .exhaustive();
    expect(events.map(describeEvent)).toEqual(['post post', 'chat chat', 'member 6', 'plugin 9', 'nothing']);
  });
});
