import { filter, type Observable } from 'rxjs';
import type { TopicEvent, TopicItemEvent } from './topic-event.js';
import { topicEvents, type TopicEventsOptions, type TopicSubscriber } from './topic-events.js';

const isItem = (event: TopicEvent): event is TopicItemEvent => event.type === 'item';

/**
 * The items of a Momento topic alone: {@link topicEvents} without heartbeats and discontinuities. Same
 * guarantees: cold, in sequence order, no duplicate across reconnects, typed terminal errors.
 *
 * @example
 * ```ts
 * topicItems(client, 'cache', 'chat').pipe(
 *   map((item) => (typeof item.value === 'string' ? item.value : new TextDecoder().decode(item.value))),
 * ).subscribe(console.log);
 * ```
 */
export function topicItems(
  client: TopicSubscriber,
  cacheName: string,
  topicName: string,
  options?: TopicEventsOptions,
): Observable<TopicItemEvent> {
  return topicEvents(client, cacheName, topicName, options).pipe(filter(isItem));
}
