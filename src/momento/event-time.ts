import type { TopicItemEvent } from './topic-event.js';

/**
 * The publish order of a Momento topic item, for `withEventTime`: its sequence number. Momento stamps no
 * publish time, but numbers a topic's items in publish order, so this "time" counts items: windows of
 * `100` are 100 consecutive publishes, and a topic subscription delivers them in order (no lateness).
 * To window by clock time, stamp at arrival (`withEventTime((_, arrival) => arrival)`) or publish the
 * event time inside the value and read it from there.
 *
 * @example
 * ```ts
 * import { counting, tumblingWindows, withEventTime } from 'streamrx';
 * import { momentoPublishOrder, topicItems } from 'streamrx/momento';
 * topicItems(client, 'cache', 'feed').pipe(withEventTime(momentoPublishOrder), tumblingWindows(100, { aggregate: counting() }));
 * ```
 */
export function momentoPublishOrder<I extends Pick<TopicItemEvent, 'sequenceNumber'>>(item: I): number {
  return item.sequenceNumber;
}
