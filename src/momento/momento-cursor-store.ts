import { CacheGetResponse, CacheSetIfAbsentResponse, CacheSetIfEqualResponse, CacheSetResponse, type CacheClient } from '@gomomento/sdk';
import { StreamRxError } from '../core/errors.js';
import { CursorStoreError } from '../state/cursor-store-error.js';
import { checkCursorKey, positionText, type CursorStore } from '../state/cursor-store.js';
import { fromMomentoError, fromMomentoFailure, type MomentoErrorLike } from './momento-error.js';

/**
 * The part of a `CacheClient` that {@link momentoCursorStore} uses.
 *
 * @example
 * ```ts
 * const cache: CursorCacheClient = cacheClientFromEnv();
 * ```
 */
export type CursorCacheClient = Pick<CacheClient, 'get' | 'set' | 'setIfAbsent' | 'setIfEqual'>;

/**
 * Options of {@link momentoCursorStore}. Every field is optional.
 *
 * @example
 * ```ts
 * momentoCursorStore(cache, 'cache', { keyPrefix: 'bot-a:', ttlSeconds: 86_400 });
 * ```
 */
export interface MomentoCursorStoreOptions {
  /** Prefix of the cache keys, to share a cache between pipelines. @default 'streamrx:cursor:' */
  keyPrefix?: string;
  /**
   * How long a position is kept after its last write, in seconds (Momento caches limit TTLs; a cursor not
   * written for longer is forgotten and its pipeline starts from the newest events).
   * @default 86400
   */
  ttlSeconds?: number;
}

/**
 * A {@link streamrx!CursorStore} in a Momento cache, for pipelines whose processes move between machines or
 * share one position (a worker taking over a partition). `write` is one `set` (durable once the cache
 * answered); writes of one key are coalesced: while one is in flight only the newest waiting position is
 * sent next. `compareAndSet` uses `setIfAbsent` / `setIfEqual` on the stored JSON text, so the expected
 * position must be the value read back (same key order). Failures are {@link streamrx!CursorStoreError}s
 * whose cause is the typed streamrx error of the SDK's answer.
 *
 * @example
 * ```ts
 * import { cacheClientFromEnv, momentoCursorStore } from 'streamrx/momento';
 * const store = momentoCursorStore(cacheClientFromEnv(), 'cache');
 * await store.write('worker-0', { sequenceNumber: 41, sequencePage: 0 });
 * ```
 */
export function momentoCursorStore(cache: CursorCacheClient, cacheName: string, options: MomentoCursorStoreOptions = {}): Required<CursorStore> {
  const { keyPrefix = 'streamrx:cursor:', ttlSeconds = 86_400 } = options;
  if (!(ttlSeconds > 0)) throw new CursorStoreError(`momentoCursorStore: ttlSeconds must be > 0, got ${ttlSeconds}`, false);
  const keyOf = (key: string): string => keyPrefix + checkCursorKey(key);
  const ttl = { ttl: ttlSeconds };
  const writes = new Map<string, KeyWrites>();

  const read = async <P>(key: string): Promise<P | undefined> => {
    const cacheKey = keyOf(key);
    const response = await call('get', () => cache.get(cacheName, cacheKey));
    if (response.type === CacheGetResponse.Miss) return undefined;
    if (response.type === CacheGetResponse.Hit) return JSON.parse(response.valueString()) as P;
    throw failure('get', response);
  };
  const set = async (cacheKey: string, text: string): Promise<void> => {
    const response = await call('set', () => cache.set(cacheName, cacheKey, text, ttl));
    if (response.type !== CacheSetResponse.Success) throw failure('set', response);
  };
  const write = (key: string, position: unknown): Promise<void> => {
    let cacheKey: string;
    let text: string;
    try {
      cacheKey = keyOf(key);
      text = positionText(position);
    } catch (error) {
      return Promise.reject(error);
    }
    let pending = writes.get(cacheKey);
    if (!pending) {
      pending = new KeyWrites((latest) => set(cacheKey, latest));
      writes.set(cacheKey, pending);
    }
    return pending.write(text);
  };
  const compareAndSet = async (key: string, expected: unknown, next: unknown): Promise<boolean> => {
    const cacheKey = keyOf(key);
    const text = positionText(next);
    if (expected === undefined) {
      const response = await call('setIfAbsent', () => cache.setIfAbsent(cacheName, cacheKey, text, ttl));
      if (response.type === CacheSetIfAbsentResponse.Error) throw failure('setIfAbsent', response);
      return response.type === CacheSetIfAbsentResponse.Stored;
    }
    const response = await call('setIfEqual', () => cache.setIfEqual(cacheName, cacheKey, text, positionText(expected), ttl));
    if (response.type === CacheSetIfEqualResponse.Error) throw failure('setIfEqual', response);
    return response.type === CacheSetIfEqualResponse.Stored;
  };
  const close = async (): Promise<void> => {
    await Promise.all([...writes.values()].map((pending) => pending.idle()));
  };
  return { read, write, compareAndSet, close };
}

/** The writes of one key: one in flight; positions written meanwhile collapse into the newest. */
class KeyWrites {
  private running: Promise<void> | undefined;
  private queued: { text: string; done: Promise<void> } | undefined;

  constructor(private readonly send: (text: string) => Promise<void>) {}

  write(text: string): Promise<void> {
    if (this.queued) {
      this.queued.text = text;
      return this.queued.done;
    }
    if (!this.running) return this.start(text);
    const queued = { text, done: Promise.resolve() };
    queued.done = this.running.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.start(queued.text);
    });
    this.queued = queued;
    return queued.done;
  }

  idle(): Promise<void> {
    return (this.queued?.done ?? this.running ?? Promise.resolve()).catch(() => undefined);
  }

  private start(text: string): Promise<void> {
    const running = this.send(text).finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }
}

async function call<R>(operation: string, run: () => Promise<R>): Promise<R> {
  try {
    return await run();
  } catch (error) {
    throw wrap(operation, fromMomentoFailure(error, operation));
  }
}

function failure(operation: string, response: MomentoErrorLike): CursorStoreError {
  return wrap(operation, fromMomentoError(response, operation));
}

function wrap(operation: string, error: StreamRxError): CursorStoreError {
  return new CursorStoreError(`momento cursor store: ${operation} failed (${error.code})`, error.retryable, { cause: error });
}
