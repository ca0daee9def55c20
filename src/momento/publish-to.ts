import { TopicPublishResponse, type TopicClient } from '@gomomento/sdk';
import { defer, type MonoTypeOperatorFunction, type OperatorFunction } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import { retryBackoff, type RetryBackoffOptions } from '../core/retry-backoff.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { timedCall } from '../telemetry/timed-call.js';
import { boundedMergeMap } from './bounded-merge-map.js';
import { fromMomentoError, fromMomentoFailure } from './momento-error.js';

/**
 * The part of a `TopicClient` that {@link publishTo} uses.
 *
 * @example
 * ```ts
 * const publisher: TopicPublisher = topicClientFromEnv();
 * ```
 */
export type TopicPublisher = Pick<TopicClient, 'publish'>;

/**
 * Options of {@link publishTo}. Every field is optional.
 *
 * @example
 * ```ts
 * values$.pipe(publishTo(client, 'cache', 'topic', { concurrency: 8, retry: { initialDelay: 100, maxRetries: 3 } }));
 * ```
 */
export interface PublishToOptions {
  /**
   * Publishes in flight at once. With 1 the values are published, and emitted, in their input order; with
   * more, results are emitted as publishes finish.
   * @default 1
   */
  concurrency?: number;
  /**
   * Retry policy for publishes that failed with a retryable error (unavailable, timeout, internal, rate
   * limit). The SDK never retries a publish, and a retried publish that had in fact reached the service is
   * delivered twice, so this is off unless given.
   * @default false
   */
  retry?: RetryBackoffOptions | false;
  /** Where each publish attempt's outcome and duration is reported, e.g. `otelTelemetry()` from `streamrx/telemetry`. @default none */
  telemetry?: Telemetry;
}

/**
 * What {@link publishTo} emits for each value once the service accepted it.
 *
 * @example
 * ```ts
 * const published: TopicPublished<string> = { value: 'hello', index: 0 };
 * ```
 */
export interface TopicPublished<V extends string | Uint8Array> {
  /** The value that was published. */
  readonly value: V;
  /** Its position in the source (0-based). */
  readonly index: number;
}

/**
 * An operator that publishes each source value (string or bytes) to a Momento topic through the real
 * `TopicClient.publish` and emits a {@link TopicPublished} per accepted value. At most `concurrency`
 * publishes run at once (1 keeps the order). A failed publish ends the stream with a typed streamrx error
 * (after the optional retries); a value that is neither a string nor a `Uint8Array` fails with
 * `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * from(['a', 'b', 'c']).pipe(
 *   publishTo(client, 'cache', 'topic', { concurrency: 4, retry: { initialDelay: 100, maxRetries: 3 } }),
 * ).subscribe({ error: (e) => console.error(e.code, e.message) });
 * ```
 */
export function publishTo<V extends string | Uint8Array>(
  client: TopicPublisher,
  cacheName: string,
  topicName: string,
  options: PublishToOptions = {},
): OperatorFunction<V, TopicPublished<V>> {
  const { concurrency = 1, retry = false } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`publishTo: concurrency must be a positive integer, got ${String(concurrency)}`);
  }
  const { telemetry } = options;
  const target = { source: 'momento', operation: 'publish', kind: 'call', destination: topicName } as const;
  const attempt = (value: V, index: number) => timedCall(telemetry, target, defer(() => publishOne(client, cacheName, topicName, value, index)));
  if (retry === false) {
    return telemetry ? boundedMergeMap(attempt, concurrency) : boundedMergeMap((value: V, index: number) => publishOne(client, cacheName, topicName, value, index), concurrency);
  }
  const retried: MonoTypeOperatorFunction<TopicPublished<V>> = retryBackoff(retry);
  return boundedMergeMap((value: V, index: number) => attempt(value, index).pipe(retried), concurrency);
}

/** Publishes one value; resolves once the service accepted it, rejects with a streamrx error. */
async function publishOne<V extends string | Uint8Array>(
  client: TopicPublisher,
  cacheName: string,
  topicName: string,
  value: V,
  index: number,
): Promise<TopicPublished<V>> {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new InvalidArgumentError(`publishTo: value #${index} is neither a string nor a Uint8Array`);
  }
  let response: Awaited<ReturnType<TopicPublisher['publish']>>;
  try {
    response = await client.publish(cacheName, topicName, value);
  } catch (error) {
    throw fromMomentoFailure(error, 'publish');
  }
  if (response.type === TopicPublishResponse.Error) throw fromMomentoError(response, 'publish');
  return { value, index };
}
