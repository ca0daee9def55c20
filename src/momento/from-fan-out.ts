import { filter, identity, map, merge, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { partitionTopicName } from './fan-out-to.js';
import { InvalidArgumentError, ProtocolError } from '../core/errors.js';
import { partition, stableHash } from '../core/partition.js';
import { decodeWith, type FanOutCodec } from './fan-out-codec.js';
import { decodeFanOutEnvelope, type FanOutEnvelope } from './fan-out-envelope.js';
import type { TopicDiscontinuityEvent, TopicEvent, TopicItemEvent } from './topic-event.js';
import { topicEvents, type TopicEventsOptions, type TopicSubscriber } from './topic-events.js';

/**
 * Options of {@link fromFanOut}.
 *
 * @example
 * ```ts
 * fromFanOut(topics, 'cache', 'events', { codec: mixi2EventCodec, partition: { index: 0, count: 3 } });
 * ```
 */
export interface FromFanOutOptions<T> extends TopicEventsOptions {
  /** The codec the publisher used. Required. */
  codec: FanOutCodec<T>;
  /**
   * Keep only this worker's share: `partition(index, count, key)` on the envelope key. Several indexes
   * keep several shares (a worker standing by for a neighbour's partition, see the guide).
   * @default every message
   */
  partition?: {
    /** The share(s) to keep, each in `0..count-1`. */
    index: number | readonly number[];
    /** How many shares the messages are split into (the number of workers). */
    count: number;
  };
  /**
   * Read the partition topics written by `fanOutTo({ partitionedTopics })` (the same number) instead of
   * `topic`: one subscription per kept share, so this worker receives only its share. Requires `partition`
   * with `count` equal to this number.
   * @default undefined (one topic, every message received, other shares dropped here)
   */
  partitionedTopics?: number;
  /**
   * What to do with a message that is not a fan-out envelope of this codec: `'error'` ends the stream with
   * `ProtocolError`, `'skip'` drops it (after telling `onUndecodable`).
   * @default 'error'
   */
  undecodable?: 'error' | 'skip';
  /** Hears every undecodable message, whatever `undecodable` says. @default none */
  onUndecodable?: (error: ProtocolError, item: TopicItemEvent) => void;
  /**
   * Hears the topic's discontinuities: items this subscription will never see (for any partition).
   * @default none
   */
  onDiscontinuity?: (gap: TopicDiscontinuityEvent) => void;
}

/**
 * One value read from a fan-out topic.
 *
 * @example
 * ```ts
 * const message: FanOutMessage<Event> = { key: 'e-1', value: event, sequenceNumber: 42 };
 * ```
 */
export interface FanOutMessage<T> {
  /** The partition key from the envelope. */
  readonly key: string;
  /** The decoded value. */
  readonly value: T;
  /** The topic sequence number of the message. */
  readonly sequenceNumber: number;
  /** Its sequence page: with `sequenceNumber`, the position a worker stores and resumes after (`resumeAfter`). */
  readonly sequencePage?: number | undefined;
  /** The W3C `traceparent` the ingest published it with (`linkToTraceParent()` of `streamrx/telemetry` makes it a span link). @default absent */
  readonly traceParent?: string;
}

/**
 * A worker's side of {@link fanOutTo}: a cold Observable of the values published on a fan-out topic,
 * decoded, optionally reduced to this worker's partition before the payload is decoded. With `count`
 * workers using `partition: { index, count }` (index 0..count-1) every message is kept by exactly one of
 * them. Resubscribes and reports like {@link topicEvents}; `resumeAfter` (a stored `{ sequenceNumber,
 * sequencePage }` of a message) starts a restarted worker right after it, with the items the service still
 * holds (a discontinuity, heard by `onDiscontinuity`, when it holds no more).
 *
 * @example
 * ```ts
 * const index = Number(process.env.WORKER_INDEX);
 * fromFanOut(topics, 'cache', 'mixi2-events', { codec: mixi2EventCodec, partition: { index, count: 3 } })
 *   .pipe(concatMap(({ value }) => handle(value)))
 *   .subscribe();
 * ```
 */
export function fromFanOut<T>(client: TopicSubscriber, cacheName: string, topicName: string, options: FromFanOutOptions<T>): Observable<FanOutMessage<T>> {
  const { codec, undecodable = 'error', onUndecodable, onDiscontinuity } = options ?? ({} as FromFanOutOptions<T>);
  if (!codec || typeof codec.decode !== 'function') throw new InvalidArgumentError('fromFanOut: options.codec (with decode) is required');
  const keep = keepShares(options.partition);
  const reject = (error: unknown, item: TopicItemEvent): null => {
    const failure = error instanceof ProtocolError ? error : new ProtocolError('undecodable fan-out message', { cause: error });
    onUndecodable?.(failure, item);
    if (undecodable === 'error') throw failure;
    return null;
  };
  const toEnvelope = (event: TopicEvent): Envelope | null => {
    if (event.type === 'discontinuity') onDiscontinuity?.(event);
    if (event.type !== 'item') return null;
    try {
      return { ...decodeFanOutEnvelope(event.value), item: event };
    } catch (error) {
      return reject(error, event);
    }
  };
  const toMessage = (envelope: Envelope): FanOutMessage<T> | null => {
    try {
      const { sequenceNumber, sequencePage } = envelope.item;
      const message = { key: envelope.key, value: decodeWith(codec, envelope.codec, envelope.payload), sequenceNumber, sequencePage };
      return envelope.traceParent === undefined ? message : { ...message, traceParent: envelope.traceParent };
    } catch (error) {
      return reject(error, envelope.item);
    }
  };
  return sourceTopics(client, cacheName, topicName, options).pipe(
    map(toEnvelope),
    filter((envelope): envelope is Envelope => envelope !== null),
    keep,
    map(toMessage),
    filter((message): message is FanOutMessage<T> => message !== null),
  );
}

type Envelope = FanOutEnvelope & { item: TopicItemEvent };

function sharesOf(shares: FromFanOutOptions<unknown>['partition']): number[] {
  if (shares === undefined) return [];
  return typeof shares.index === 'number' ? [shares.index] : [...new Set(shares.index)];
}

function sourceTopics<T>(client: TopicSubscriber, cacheName: string, topicName: string, options: FromFanOutOptions<T>): Observable<TopicEvent> {
  const { partitionedTopics, partition: shares } = options;
  if (partitionedTopics === undefined) return topicEvents(client, cacheName, topicName, options);
  if (shares?.count !== partitionedTopics) {
    throw new InvalidArgumentError(`fromFanOut: partitionedTopics (${String(partitionedTopics)}) needs partition.count equal to it`);
  }
  if (options.resumeAfter !== undefined && sharesOf(shares).length > 1) {
    throw new InvalidArgumentError('fromFanOut: resumeAfter is the position in one topic; resume each partition topic with its own fromFanOut');
  }
  return merge(...sharesOf(shares).map((index) => topicEvents(client, cacheName, partitionTopicName(topicName, index), options)));
}

function keepShares(shares: FromFanOutOptions<unknown>['partition']): MonoTypeOperatorFunction<Envelope> {
  if (shares === undefined) return identity;
  const indexes = sharesOf(shares);
  // partition() validates every index; several shares are one filter over the same stable hash.
  const kept = indexes.map((index) => partition<Envelope>(index, shares.count, (e) => e.key));
  if (kept.length === 1) return kept[0]!;
  const owned = new Set(indexes);
  return filter((envelope) => owned.has(stableHash(envelope.key) % shares.count));
}
