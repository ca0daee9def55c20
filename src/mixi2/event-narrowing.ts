import type { Event } from './gen/social/mixi/application/model/v1/event.js';
import { EventType } from './gen/social/mixi/application/const/v1/event_type.js';

/**
 * The body kinds of a mixi2 {@link Event}: `'postCreatedEvent'`, `'chatMessageReceivedEvent'`, …
 *
 * @example
 * ```ts
 * const kind: Mixi2EventKind = 'postCreatedEvent';
 * ```
 */
export type Mixi2EventKind = NonNullable<Event['body']>['$case'];

/**
 * The discriminant of a body of kind `K`, used to pick it out of the body union.
 *
 * @example
 * ```ts
 * const tag: Mixi2EventCase<'postCreatedEvent'> = { $case: 'postCreatedEvent' };
 * ```
 */
export interface Mixi2EventCase<K extends Mixi2EventKind> {
  /** The body kind. */
  $case: K;
}

/**
 * An {@link Event} whose body is known to be of kind `K` (what {@link isEventOf} narrows to).
 *
 * @example
 * ```ts
 * const text = (e: Mixi2EventOf<'postCreatedEvent'>) => e.body.value.post?.text;
 * ```
 */
export interface Mixi2EventOf<K extends Mixi2EventKind> extends Event {
  /** The body, of kind `K`. */
  body: Extract<NonNullable<Event['body']>, Mixi2EventCase<K>>;
}

/**
 * A type guard for `filter` that keeps events of one body kind and narrows their type.
 * For several kinds at once, match on `event.body?.$case` with ts-pattern:
 *
 * @example
 * ```ts
 * import { match, P } from 'ts-pattern';
 * client.events().pipe(filter(isEventOf('postCreatedEvent'))).subscribe((e) => console.log(e.body.value.post?.text));
 *
 * client.events().subscribe((event) =>
 *   match(event.body)
 *     .with({ $case: 'postCreatedEvent' }, ({ value }) => reply(value.post))
 *     .with({ $case: 'chatMessageReceivedEvent' }, ({ value }) => answer(value.message))
 *     .with({ $case: 'communityMemberChangedEvent' }, ({ value }) => greet(value.member))
 *     .with({ $case: 'communityPluginManagedEvent' }, ({ value }) => setUp(value.community))
 *     .with({ $case: 'pingEvent' }, P.nullish, () => {})
 *     .exhaustive(),
 * );
 * ```
 */
export function isEventOf<K extends Mixi2EventKind>(kind: K): (event: Event) => event is Mixi2EventOf<K> {
  return (event): event is Mixi2EventOf<K> => event.body?.$case === kind;
}

/**
 * Keeps `POST_CREATED` events (replies, mentions, quotes, community posts).
 * @example
 * ```ts
 * client.events().pipe(filter(isPostCreated)).subscribe((e) => e.body.value.post);
 * ```
 */
export const isPostCreated = isEventOf('postCreatedEvent');
/**
 * Keeps `CHAT_MESSAGE_RECEIVED` events (direct messages).
 * @example
 * ```ts
 * client.events().pipe(filter(isChatMessageReceived)).subscribe((e) => e.body.value.message?.roomId);
 * ```
 */
export const isChatMessageReceived = isEventOf('chatMessageReceivedEvent');
/**
 * Keeps `COMMUNITY_MEMBER_CHANGED` events (members joining or leaving a community).
 * @example
 * ```ts
 * client.events().pipe(filter(isCommunityMemberChanged)).subscribe((e) => e.body.value.member);
 * ```
 */
export const isCommunityMemberChanged = isEventOf('communityMemberChangedEvent');
/**
 * Keeps `COMMUNITY_PLUGIN_MANAGED` events (the plugin installed into or removed from a community).
 * @example
 * ```ts
 * client.events().pipe(filter(isCommunityPluginManaged)).subscribe((e) => e.body.value.community);
 * ```
 */
export const isCommunityPluginManaged = isEventOf('communityPluginManagedEvent');

/**
 * Whether an event is a keep-alive Ping. Like every official SDK this looks at `event_type == PING`; a
 * `ping_event` body counts too.
 *
 * @example
 * ```ts
 * webhookEvents.filter((e) => !isPing(e));
 * ```
 */
export function isPing(event: Event): boolean {
  return event.eventType === EventType.EVENT_TYPE_PING || event.body?.$case === 'pingEvent';
}
