import type { Timestamp } from './gen/google/protobuf/timestamp.js';
import type { Event } from './gen/social/mixi/application/model/v1/event.js';

/**
 * A protobuf `Timestamp` (mixi2's `created_at`) as epoch milliseconds.
 *
 * @example
 * ```ts
 * timestampMillis({ seconds: 1_795_786_200n, nanos: 250_000_000 }); // 1795786200250
 * ```
 */
export function timestampMillis(timestamp: Timestamp): number {
  return Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1_000_000);
}

/**
 * The event time of a mixi2 event, for `withEventTime`: a post's `created_at` (`POST_CREATED`), a chat
 * message's `created_at` (`CHAT_MESSAGE_RECEIVED`), and the arrival time for events that carry no
 * creation time (member and plugin changes, pings).
 *
 * @example
 * ```ts
 * import { withEventTime } from 'streamrx';
 * import { isPostCreated, mixi2EventTime } from 'streamrx/mixi2';
 * client.events().pipe(filter(isPostCreated), withEventTime(mixi2EventTime, { maxLateness: 2_000 }));
 * ```
 */
export function mixi2EventTime<E extends Event>(event: E, arrival: number): number {
  const body = event.body;
  const createdAt =
    body?.$case === 'postCreatedEvent' ? body.value.post?.createdAt : body?.$case === 'chatMessageReceivedEvent' ? body.value.message?.createdAt : undefined;
  return createdAt === undefined ? arrival : timestampMillis(createdAt);
}
