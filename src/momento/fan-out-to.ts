import { defer, map, mergeMap, Observable, of, type OperatorFunction } from 'rxjs';
import { stableHash } from '../core/partition.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { FanOutCodec } from './fan-out-codec.js';
import { encodeFanOutEnvelope } from './fan-out-envelope.js';
import { publishTo, type PublishToOptions, type TopicPublisher } from './publish-to.js';

/**
 * Options of {@link fanOutTo}.
 *
 * @example
 * ```ts
 * fanOutTo(topics, 'cache', 'events', { codec: mixi2EventCodec, publish: { concurrency: 8 } });
 * ```
 */
export interface FanOutToOptions<T> {
  /** How values are serialised and keyed (`mixi2EventCodec`, `misskeyNoteCodec`, `jsonCodec(key)` or your own). Required. */
  codec: FanOutCodec<T>;
  /**
   * Passed to {@link publishTo}: publishes in flight and the retry policy. Note that `concurrency` above 1
   * lets the topic order differ from the source order.
   * @default { concurrency: 1, retry: false }
   */
  publish?: PublishToOptions;
  /**
   * Publish each value on one of `topics` partition topics, `<topic>-p<i>` with i = stableHash(key) % topics,
   * instead of on `topic` itself, so that a worker reading with `fromFanOut({ partitionedTopics: topics })`
   * receives only its share rather than parsing and dropping everybody else's. Fixed for the life of the
   * topics: ingest and workers must agree on it.
   * @default undefined (one topic)
   */
  partitionedTopics?: number;
  /**
   * The W3C `traceparent` to carry with each value (e.g. `traceParentOf()` from `streamrx/telemetry`, the
   * active span's), so that a worker's spans can link to the ingest's: the envelope is then version 2 (see
   * {@link encodeFanOutEnvelope}); `undefined` for a value writes version 1.
   * @default none (every envelope version 1)
   */
  traceParent?: (value: T, index: number) => string | undefined;
}

/**
 * What {@link fanOutTo} emits once the service accepted a value.
 *
 * @example
 * ```ts
 * const sent: FanOutPublished<Event> = { value: event, key: event.eventId, index: 0, bytes: 212 };
 * ```
 */
export interface FanOutPublished<T> {
  /** The source value. */
  readonly value: T;
  /** Its partition key. */
  readonly key: string;
  /** Its position in the source (0-based). */
  readonly index: number;
  /** Size of the published envelope. */
  readonly bytes: number;
}

/**
 * An operator that publishes each source value once to a Momento topic, serialised by `codec` inside a
 * small envelope carrying its partition key (format: {@link encodeFanOutEnvelope}), for many workers that
 * each keep their share with {@link fromFanOut} and `partition`. Built on {@link publishTo}: the same
 * ordering, retry and typed errors. A value the codec cannot serialise ends the stream with
 * `InvalidArgumentError`.
 *
 * Delivery: a publish the service accepted reaches every worker subscribed at that moment (at most once
 * per subscription; the SDK resumes across its own reconnects). A worker that is not subscribed when an
 * item is published does not see it; see the "Scaling out" guide.
 *
 * @example
 * ```ts
 * mixi2Client({ auth }).events().pipe(
 *   fanOutTo(topics, 'cache', 'mixi2-events', { codec: mixi2EventCodec }),
 * ).subscribe({ error: (e) => console.error('ingest stopped', e.code) });
 * ```
 */
export function fanOutTo<T>(
  client: TopicPublisher,
  cacheName: string,
  topicName: string,
  options: FanOutToOptions<T>,
): OperatorFunction<T, FanOutPublished<T>> {
  const codec = options?.codec;
  if (!codec || typeof codec.encode !== 'function' || typeof codec.key !== 'function') {
    throw new InvalidArgumentError('fanOutTo: options.codec (with key and encode) is required');
  }
  const { concurrency = 1, retry = false, telemetry } = options.publish ?? {};
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`fanOutTo: publish.concurrency must be a positive integer, got ${String(concurrency)}`);
  }
  const topicOf = partitionTopicNamer(topicName, options.partitionedTopics);
  const publishOne = (value: T, index: number): Observable<FanOutPublished<T>> => {
    const key = codec.key(value);
    if (typeof key !== 'string') throw new InvalidArgumentError(`fanOutTo: value #${index} has no string partition key`);
    const traceParent = options.traceParent?.(value, index);
    const bytes = encodeFanOutEnvelope({ key, codec: codec.tag, payload: encodeValue(codec, value, index), ...(traceParent === undefined ? {} : { traceParent }) });
    return of(bytes).pipe(
      publishTo(client, cacheName, topicOf(key), { retry, ...(telemetry ? { telemetry } : {}) }),
      map((): FanOutPublished<T> => ({ value, key, index, bytes: bytes.length })),
    );
  };
  return mergeMap((value: T, index: number) => defer(() => publishOne(value, index)), concurrency);
}

/**
 * The name of partition topic `index` of a fan-out topic with `partitionedTopics`: `<topic>-p<index>`.
 * {@link fanOutTo} publishes a key on partition topic stableHash(key) % partitionedTopics, and
 * `fromFanOut` reads the partition topics of the shares it keeps.
 *
 * @example
 * ```ts
 * partitionTopicName('events', 2); // 'events-p2'
 * ```
 */
export function partitionTopicName(topicName: string, index: number): string {
  return `${topicName}-p${index}`;
}

function partitionTopicNamer(topicName: string, partitionedTopics: number | undefined): (key: string) => string {
  if (partitionedTopics === undefined) return () => topicName;
  if (!Number.isInteger(partitionedTopics) || partitionedTopics < 1) {
    throw new InvalidArgumentError(`fanOutTo: partitionedTopics must be a positive integer, got ${String(partitionedTopics)}`);
  }
  return (key) => partitionTopicName(topicName, stableHash(key) % partitionedTopics);
}

function encodeValue<T>(codec: FanOutCodec<T>, value: T, index: number): Uint8Array {
  try {
    return codec.encode(value);
  } catch (error) {
    throw new InvalidArgumentError(`fanOutTo: value #${index} could not be serialised`, { cause: error });
  }
}
