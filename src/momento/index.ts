/**
 * streamrx/momento: Momento Topics as cold RxJS Observables on top of the real `@gomomento/sdk`.
 * `topicEvents` / `topicItems` subscribe, `publishTo` publishes, `topicClientFromEnv` builds a client.
 *
 * @example
 * ```ts
 * import { topicItems, publishTo, topicClientFromEnv } from 'streamrx/momento';
 * const client = topicClientFromEnv();
 * topicItems(client, 'cache', 'in').pipe(map((i) => String(i.value).toUpperCase()), publishTo(client, 'cache', 'out')).subscribe();
 * ```
 * @module streamrx/momento
 */
export type { TopicEvent, TopicItemEvent, TopicHeartbeatEvent, TopicDiscontinuityEvent } from './topic-event.js';
export { topicEvents, momentoResubscribePolicy } from './topic-events.js';
export type { TopicEventsOptions, TopicSubscriber } from './topic-events.js';
export { topicItems } from './topic-items.js';
export { publishTo } from './publish-to.js';
export type { PublishToOptions, TopicPublished, TopicPublisher } from './publish-to.js';
export { topicClientFromEnv } from './topic-client-from-env.js';
export type { TopicClientFromEnvOptions } from './topic-client-from-env.js';
export { fromMomentoError, fromMomentoFailure } from './momento-error.js';
export type { MomentoErrorLike } from './momento-error.js';
