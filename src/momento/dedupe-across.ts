import { CacheSetIfAbsentResponse, type CacheClient } from '@gomomento/sdk';
import { mergeMap, Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { InvalidArgumentError, type StreamRxError } from '../core/errors.js';
import { fromMomentoError, fromMomentoFailure } from './momento-error.js';

/**
 * The part of a `CacheClient` that {@link dedupeAcross} uses.
 *
 * @example
 * ```ts
 * const cache: CacheSetIfAbsentClient = new CacheClient({ credentialProvider, configuration, defaultTtlSeconds: 600 });
 * ```
 */
export type CacheSetIfAbsentClient = Pick<CacheClient, 'setIfAbsent'>;

/**
 * Options of {@link dedupeAcross}.
 *
 * @example
 * ```ts
 * dedupeAcross(cache, 'cache', (e: Event) => e.eventId, { ttl: 600_000, onCacheError: 'fail-open' });
 * ```
 */
export interface DedupeAcrossOptions<T> {
  /**
   * What to do with a value when the cache cannot answer (unreachable, timeout, internal error, rate
   * limited). Required, so that the choice is written down:
   * - `'fail-open'`: let the value through. Nothing is lost, but a repeat may be handled twice while the
   *   cache is down (at-least-once).
   * - `'fail-closed'`: drop the value. Nothing is handled twice, but values seen only while the cache is
   *   down are lost (at-most-once).
   *
   * Terminal cache errors (bad credentials, permission, unknown cache, invalid argument) are configuration
   * mistakes and end the stream with the typed error in both modes.
   */
  onCacheError: 'fail-open' | 'fail-closed';
  /**
   * How long a key is remembered, in milliseconds, rounded up to whole seconds (the SDK takes TTLs in
   * seconds). Must cover the longest gap between a delivery and its last retry (mixi2: 3 retries 30 s
   * apart).
   * @default 600000
   */
  ttl?: number;
  /** Prefix of the cache keys, to share a cache between pipelines. @default 'streamrx:dedupe:' */
  keyPrefix?: string;
  /** Cache calls in flight at once; with 1 the output keeps the input order. @default 1 */
  concurrency?: number;
  /** Hears each cache failure that the fallback handled, with the value concerned. @default none */
  onError?: (error: StreamRxError, value: T) => void;
}

/**
 * De-duplication shared by many processes: each value's key is claimed in a Momento cache with
 * set-if-absent and a TTL (`CacheClient.setIfAbsent`, one round trip), and only the process whose claim is
 * stored lets the value through. Repeats seen by any process sharing the cache within `ttl` are dropped;
 * for webhook receivers behind a load balancer, which each see some of mixi2's retried deliveries.
 *
 * The claim is taken before the value is handled: a process that crashes after claiming and before
 * finishing loses that value (nobody else will take it within `ttl`). When the cache cannot answer,
 * `onCacheError` decides, as documented there.
 *
 * @example
 * ```ts
 * mixi2Webhook({ publicKey, port: 8080 }).pipe(
 *   dedupeAcross(cache, 'cache', (e) => e.eventId, { ttl: 600_000, onCacheError: 'fail-open' }),
 * ).subscribe(handle);
 * ```
 */
export function dedupeAcross<T>(
  cacheClient: CacheSetIfAbsentClient,
  cacheName: string,
  key: (value: T) => string,
  options: DedupeAcrossOptions<T>,
): MonoTypeOperatorFunction<T> {
  const { onCacheError, ttl = 600_000, keyPrefix = 'streamrx:dedupe:', concurrency = 1, onError } = options ?? ({} as DedupeAcrossOptions<T>);
  if (onCacheError !== 'fail-open' && onCacheError !== 'fail-closed') {
    throw new InvalidArgumentError(`dedupeAcross: onCacheError must be 'fail-open' or 'fail-closed', got ${String(onCacheError)}`);
  }
  if (!(ttl > 0) || !Number.isFinite(ttl)) throw new InvalidArgumentError(`dedupeAcross: ttl must be a positive number of milliseconds, got ${ttl}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`dedupeAcross: concurrency must be a positive integer, got ${concurrency}`);
  }
  const claim: Claim<T> = { cacheClient, cacheName, key, keyPrefix, ttlSeconds: Math.ceil(ttl / 1000), failOpen: onCacheError === 'fail-open', onError };
  return mergeMap((value: T) => claimOnce(claim, value), concurrency);
}

interface Claim<T> {
  cacheClient: CacheSetIfAbsentClient;
  cacheName: string;
  key: (value: T) => string;
  keyPrefix: string;
  ttlSeconds: number;
  failOpen: boolean;
  onError: ((error: StreamRxError, value: T) => void) | undefined;
}

/** Emits `value` when this process's claim was stored (or the cache failed open), else completes empty. */
function claimOnce<T>(claim: Claim<T>, value: T): Observable<T> {
  return new Observable<T>((subscriber) => {
    let active = true;
    const pass = (): void => {
      subscriber.next(value);
      subscriber.complete();
    };
    const fallback = (error: StreamRxError): void => {
      if (!active) return;
      if (!error.retryable) return subscriber.error(error);
      claim.onError?.(error, value);
      if (claim.failOpen) pass();
      else subscriber.complete();
    };
    const key = claim.keyPrefix + claim.key(value);
    claim.cacheClient.setIfAbsent(claim.cacheName, key, '1', { ttl: claim.ttlSeconds }).then(
      (response) => {
        if (!active) return;
        if (response.type === CacheSetIfAbsentResponse.Stored) pass();
        else if (response.type === CacheSetIfAbsentResponse.NotStored) subscriber.complete();
        else fallback(fromMomentoError(response, 'setIfAbsent'));
      },
      (error: unknown) => fallback(fromMomentoFailure(error, 'setIfAbsent')),
    );
    return () => {
      active = false;
    };
  });
}
