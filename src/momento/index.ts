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
export { cacheClientFromEnv, type CacheClientFromEnvOptions } from './cache-client-from-env.js';
export { momentoCredentialsFromEnv } from './momento-credentials-from-env.js';
export { fromMomentoError, fromMomentoFailure } from './momento-error.js';
export type { MomentoErrorLike } from './momento-error.js';
export { fanOutTo, partitionTopicName } from './fan-out-to.js';
export type { FanOutToOptions, FanOutPublished } from './fan-out-to.js';
export { fromFanOut } from './from-fan-out.js';
export type { FromFanOutOptions, FanOutMessage } from './from-fan-out.js';
export { mixi2EventCodec, misskeyNoteCodec, jsonCodec } from './fan-out-codec.js';
export type { FanOutCodec } from './fan-out-codec.js';
export { encodeFanOutEnvelope, decodeFanOutEnvelope, FAN_OUT_ENVELOPE_VERSION, FAN_OUT_TRACED_ENVELOPE_VERSION } from './fan-out-envelope.js';
export type { FanOutEnvelope } from './fan-out-envelope.js';
export { dedupeAcross } from './dedupe-across.js';
export type { DedupeAcrossOptions, CacheSetIfAbsentClient } from './dedupe-across.js';
export { momentoPublishOrder } from './event-time.js';
export { momentoCursorStore } from './momento-cursor-store.js';
export type { MomentoCursorStoreOptions, CursorCacheClient } from './momento-cursor-store.js';
export { subscribeAt, canSubscribeAt, checkTopicPosition } from './subscribe-at.js';
export type { TopicPosition } from './subscribe-at.js';
