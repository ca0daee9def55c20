import {
  CommunityAccessLevel,
  CommunityVisibility,
  EventReason,
  EventType,
  PostAccessLevel,
  PostVisibility,
  UserAccessLevel,
  UserVisibility,
  type ChatMessage,
  type Community,
  type Event,
  type Post,
  type Timestamp,
  type User,
} from '../../mixi2/protocol.js';

let sequence = 0;
const nextId = (prefix: string): string => `${prefix}-${(++sequence).toString(36)}`;

/**
 * A protobuf Timestamp for an epoch-millisecond time.
 * @example
 * ```ts
 * mixi2Timestamp(Date.UTC(2026, 0, 1)); // { seconds: 1767225600n, nanos: 0 }
 * ```
 */
export function mixi2Timestamp(epochMs: number = Date.now()): Timestamp {
  return { seconds: BigInt(Math.floor(epochMs / 1000)), nanos: (epochMs % 1000) * 1_000_000 };
}

/**
 * A test user; every field can be overridden.
 * @example
 * ```ts
 * buildMixi2User({ name: 'alice' });
 * ```
 */
export function buildMixi2User(overrides: Partial<User> = {}): User {
  const userId = overrides.userId ?? nextId('user');
  return {
    userId,
    isDisabled: false,
    name: userId,
    displayName: `User ${userId}`,
    profile: '',
    userAvatar: undefined,
    visibility: UserVisibility.USER_VISIBILITY_VISIBLE,
    accessLevel: UserAccessLevel.USER_ACCESS_LEVEL_PUBLIC,
    ...overrides,
  };
}

/**
 * A test community; every field can be overridden.
 * @example
 * ```ts
 * buildMixi2Community({ name: 'Cats' });
 * ```
 */
export function buildMixi2Community(overrides: Partial<Community> = {}): Community {
  return {
    communityId: overrides.communityId ?? nextId('community'),
    name: 'Community',
    purpose: '',
    isArchived: false,
    visibility: CommunityVisibility.COMMUNITY_VISIBILITY_VISIBLE,
    accessLevel: CommunityAccessLevel.COMMUNITY_ACCESS_LEVEL_PUBLIC,
    ...overrides,
  };
}

/**
 * A test post; every field can be overridden.
 * @example
 * ```ts
 * buildMixi2Post({ text: '@bot hello', creatorId: 'user-1' });
 * ```
 */
export function buildMixi2Post(overrides: Partial<Post> = {}): Post {
  return {
    postId: overrides.postId ?? nextId('post'),
    isDeleted: false,
    creatorId: 'user-0',
    text: '',
    createdAt: mixi2Timestamp(),
    postMediaList: [],
    visibility: PostVisibility.POST_VISIBILITY_VISIBLE,
    accessLevel: PostAccessLevel.POST_ACCESS_LEVEL_PUBLIC,
    stamps: [],
    ...overrides,
  };
}

/**
 * A POST_CREATED event (reason POST_MENTIONED unless given).
 * @example
 * ```ts
 * emulator.push(buildPostCreatedEvent({ text: '@bot ping' }));
 * ```
 */
export function buildPostCreatedEvent(
  post: Partial<Post> = {},
  options: { eventId?: string; issuer?: User; reasons?: EventReason[]; postedCommunity?: Community } = {},
): Event {
  const issuer = options.issuer ?? buildMixi2User();
  return {
    eventId: options.eventId ?? nextId('event'),
    eventType: EventType.EVENT_TYPE_POST_CREATED,
    body: {
      $case: 'postCreatedEvent',
      value: {
        eventReasonList: options.reasons ?? [EventReason.EVENT_REASON_POST_MENTIONED],
        post: buildMixi2Post({ creatorId: issuer.userId, ...post }),
        issuer,
        ...(options.postedCommunity === undefined ? {} : { postedCommunity: options.postedCommunity }),
      },
    },
  };
}

/**
 * A CHAT_MESSAGE_RECEIVED event (reason DIRECT_MESSAGE_RECEIVED).
 * @example
 * ```ts
 * emulator.push(buildChatMessageReceivedEvent({ text: 'hi', roomId: 'room-1' }));
 * ```
 */
export function buildChatMessageReceivedEvent(message: Partial<ChatMessage> = {}, options: { eventId?: string; issuer?: User } = {}): Event {
  const issuer = options.issuer ?? buildMixi2User();
  return {
    eventId: options.eventId ?? nextId('event'),
    eventType: EventType.EVENT_TYPE_CHAT_MESSAGE_RECEIVED,
    body: {
      $case: 'chatMessageReceivedEvent',
      value: {
        eventReasonList: [EventReason.EVENT_REASON_DIRECT_MESSAGE_RECEIVED],
        message: {
          roomId: nextId('room'),
          messageId: nextId('message'),
          creatorId: issuer.userId,
          text: '',
          createdAt: mixi2Timestamp(),
          mediaList: [],
          ...message,
        },
        issuer,
      },
    },
  };
}

/**
 * A COMMUNITY_MEMBER_CHANGED event (joined unless `left`).
 * @example
 * ```ts
 * emulator.push(buildCommunityMemberChangedEvent({ left: true }));
 * ```
 */
export function buildCommunityMemberChangedEvent(options: { eventId?: string; member?: User; community?: Community; left?: boolean } = {}): Event {
  return {
    eventId: options.eventId ?? nextId('event'),
    eventType: EventType.EVENT_TYPE_COMMUNITY_MEMBER_CHANGED,
    body: {
      $case: 'communityMemberChangedEvent',
      value: {
        eventReasonList: [options.left ? EventReason.EVENT_REASON_COMMUNITY_MEMBER_LEFT : EventReason.EVENT_REASON_COMMUNITY_MEMBER_JOINED],
        member: options.member ?? buildMixi2User(),
        community: options.community ?? buildMixi2Community(),
      },
    },
  };
}

/**
 * A COMMUNITY_PLUGIN_MANAGED event (installed unless `uninstalled`).
 * @example
 * ```ts
 * emulator.push(buildCommunityPluginManagedEvent({ uninstalled: true }));
 * ```
 */
export function buildCommunityPluginManagedEvent(options: { eventId?: string; community?: Community; uninstalled?: boolean } = {}): Event {
  return {
    eventId: options.eventId ?? nextId('event'),
    eventType: EventType.EVENT_TYPE_COMMUNITY_PLUGIN_MANAGED,
    body: {
      $case: 'communityPluginManagedEvent',
      value: {
        eventReasonList: [
          options.uninstalled ? EventReason.EVENT_REASON_COMMUNITY_PLUGIN_UNINSTALLED : EventReason.EVENT_REASON_COMMUNITY_PLUGIN_INSTALLED,
        ],
        community: options.community ?? buildMixi2Community(),
      },
    },
  };
}

/**
 * A Ping event as mixi2 sends it when the stream is idle.
 * @example
 * ```ts
 * buildPingEvent().eventType === EventType.EVENT_TYPE_PING; // true
 * ```
 */
export function buildPingEvent(eventId: string = nextId('ping')): Event {
  return { eventId, eventType: EventType.EVENT_TYPE_PING, body: { $case: 'pingEvent', value: {} } };
}
