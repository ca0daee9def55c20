import { map, type OperatorFunction } from 'rxjs';
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
  return (source) => {
    // Values waiting for their publish to be accepted, by source index.
    const pending = new Map<number, { value: T; key: string }>();
    return source.pipe(
      map((value, index) => {
        const key = codec.key(value);
        if (typeof key !== 'string') throw new InvalidArgumentError(`fanOutTo: value #${index} has no string partition key`);
        pending.set(index, { value, key });
        return encodeFanOutEnvelope({ key, codec: codec.tag, payload: encodeValue(codec, value, index) });
      }),
      publishTo(client, cacheName, topicName, options.publish),
      map(({ value: bytes, index }): FanOutPublished<T> => {
        const { value, key } = pending.get(index) as { value: T; key: string };
        pending.delete(index);
        return { value, key, index, bytes: bytes.length };
      }),
    );
  };
}

function encodeValue<T>(codec: FanOutCodec<T>, value: T, index: number): Uint8Array {
  try {
    return codec.encode(value);
  } catch (error) {
    throw new InvalidArgumentError(`fanOutTo: value #${index} could not be serialised`, { cause: error });
  }
}
