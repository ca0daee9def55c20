import {
  status as GrpcStatus,
  type handleUnaryCall,
  type Metadata,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { CacheStore } from './cache-store.js';
import { momentoCacheServiceDefinition } from './cache-service-definition.js';
import { CacheResult, type WireGetResponse, type WireKeyRequest, type WireSetIfRequest } from './cache-wire.js';

/**
 * The cache RPCs the emulator serves.
 *
 * @example
 * ```ts
 * const rpc: MomentoCacheRpcName = 'setIf';
 * ```
 */
export type MomentoCacheRpcName = 'get' | 'set' | 'setIf' | 'delete';

/**
 * A gRPC status the emulated calls answer with instead of doing their work.
 *
 * @example
 * ```ts
 * cache.failCalls({ code: status.UNAVAILABLE, details: 'cache is down' });
 * ```
 */
export interface MomentoCacheFailure {
  /** The gRPC status code. */
  code: GrpcStatus;
  /** The status message. @default 'injected failure' */
  details?: string;
}

/**
 * Options of {@link createMomentoCacheService}. Every field is optional.
 *
 * @example
 * ```ts
 * createMomentoCacheService({ caches: ['cache'], now: () => clock.now });
 * ```
 */
export interface MomentoCacheServiceOptions {
  /** Caches that exist; calls naming another fail NOT_FOUND. When absent, every cache exists. @default undefined */
  caches?: readonly string[];
  /** The clock TTLs are measured against, in milliseconds. @default Date.now */
  now?: () => number;
  /**
   * Decides before each call whether it is refused (for instance by the Momento emulator's shared credential
   * check); returns the status to answer with, or `undefined` to proceed.
   * @default never refuses
   */
  refuse?: (rpc: MomentoCacheRpcName, metadata: Metadata, cacheName: string) => MomentoCacheFailure | undefined;
}

/**
 * Counters of what the cache service did, for assertions.
 *
 * @example
 * ```ts
 * expect(cache.stats.setIfStored + cache.stats.setIfNotStored).toBe(30);
 * ```
 */
export interface MomentoCacheStats {
  /** Calls received per RPC (refused and failed ones included). */
  readonly calls: Record<MomentoCacheRpcName, number>;
  /** SetIf calls that stored. */
  readonly setIfStored: number;
  /** SetIf calls whose condition did not hold. */
  readonly setIfNotStored: number;
}

/**
 * The emulated `cache_client.Scs` service: a grpc-js implementation plus its controls. Mount it with
 * {@link MomentoCacheService.install} (or `server.addService(definition, implementation)`).
 *
 * @example
 * ```ts
 * const cache = createMomentoCacheService();
 * host.addService(cache.definition, cache.implementation);
 * cache.failCalls({ code: status.UNAVAILABLE }); // every call fails until failCalls(false)
 * ```
 */
export interface MomentoCacheService {
  /** {@link momentoCacheServiceDefinition}. */
  readonly definition: ServiceDefinition;
  /** The handlers, keyed as in the definition. */
  readonly implementation: UntypedServiceImplementation;
  /** Adds the service to a server (anything with grpc-js's `addService`). */
  install(host: { addService(definition: ServiceDefinition, implementation: UntypedServiceImplementation): void }): void;
  /** Nothing is left open by unary calls; present so the service fits the Momento emulator's service list. */
  closeAll(): void;
  /** Makes every call fail with `failure` until called with `false`. */
  failCalls(failure: MomentoCacheFailure | false): void;
  /** The next `count` calls of `rpc` fail with `failure`. */
  failNext(rpc: MomentoCacheRpcName, failure: MomentoCacheFailure, count?: number): void;
  /** The live keys of a cache, UTF-8 decoded. */
  keys(cacheName: string): string[];
  /** A live value as UTF-8 text, or `undefined`. */
  value(cacheName: string, key: string): string | undefined;
  /** Milliseconds until a key expires, or `undefined` when it is absent. */
  ttlOf(cacheName: string, key: string): number | undefined;
  /** Forgets every key. */
  clear(): void;
  /** What the service did so far. */
  readonly stats: MomentoCacheStats;
  /** Registers a listener called after every answered call; returns its remover. */
  onCall(listener: (rpc: MomentoCacheRpcName) => void): () => void;
}

interface Counters {
  calls: Record<MomentoCacheRpcName, number>;
  setIfStored: number;
  setIfNotStored: number;
}

/**
 * Creates the emulated Momento cache service (Get, Set, SetIf with every condition, Delete; values
 * expire after their TTL). It speaks the wire contract of the real `CacheClient` (`CacheClient.setIfAbsent`
 * sends `SetIf` with the `absent` condition in @gomomento/sdk 1.118), the cache named by the `cache`
 * metadata header.
 *
 * @example
 * ```ts
 * const cache = createMomentoCacheService({ caches: ['cache'] });
 * const server = new Server();
 * cache.install(server);
 * ```
 */
export function createMomentoCacheService(options: MomentoCacheServiceOptions = {}): MomentoCacheService {
  const store = new CacheStore(options.now ?? Date.now);
  const known = options.caches ? new Set(options.caches) : undefined;
  const counters: Counters = { calls: { get: 0, set: 0, setIf: 0, delete: 0 }, setIfStored: 0, setIfNotStored: 0 };
  const listeners = new Set<(rpc: MomentoCacheRpcName) => void>();
  let failingAll: MomentoCacheFailure | false = false;
  const scripted: Array<{ rpc: MomentoCacheRpcName; failure: MomentoCacheFailure; remaining: number }> = [];

  const refusal = (rpc: MomentoCacheRpcName, metadata: Metadata, cacheName: string): MomentoCacheFailure | undefined => {
    if (failingAll) return failingAll;
    const next = scripted.find((s) => s.rpc === rpc);
    if (next) {
      if (--next.remaining <= 0) scripted.splice(scripted.indexOf(next), 1);
      return next.failure;
    }
    const refused = options.refuse?.(rpc, metadata, cacheName);
    if (refused) return refused;
    if (!cacheName) return { code: GrpcStatus.INVALID_ARGUMENT, details: 'missing cache metadata header' };
    if (known && !known.has(cacheName)) return { code: GrpcStatus.NOT_FOUND, details: `Cache not found: ${cacheName}` };
    return undefined;
  };

  const handler =
    <Req, Res>(rpc: MomentoCacheRpcName, work: (cacheName: string, request: Req) => Res): handleUnaryCall<Req, Res> =>
    (call: ServerUnaryCall<Req, Res>, callback) => {
      counters.calls[rpc] += 1;
      const cacheName = String(call.metadata.get('cache')[0] ?? '');
      const refused = refusal(rpc, call.metadata, cacheName);
      if (refused) callback({ code: refused.code, details: refused.details ?? 'injected failure' });
      else callback(null, work(cacheName, call.request));
      for (const listener of listeners) listener(rpc);
    };

  const implementation: UntypedServiceImplementation = {
    Get: handler<WireKeyRequest, WireGetResponse>('get', (cacheName, { key }) => {
      const value = store.get(cacheName, key);
      return value ? { result: CacheResult.Hit, value } : { result: CacheResult.Miss, value: new Uint8Array(0) };
    }),
    Set: handler<WireSetIfRequest, object>('set', (cacheName, { key, value, ttlMilliseconds }) => {
      store.set(cacheName, key, value, ttlMilliseconds);
      return {};
    }),
    SetIf: handler<WireSetIfRequest, boolean>('setIf', (cacheName, { key, value, ttlMilliseconds, condition }) => {
      const stored = condition !== undefined && store.setIf(cacheName, key, value, ttlMilliseconds, condition);
      if (stored) counters.setIfStored += 1;
      else counters.setIfNotStored += 1;
      return stored;
    }),
    Delete: handler<WireKeyRequest, object>('delete', (cacheName, { key }) => {
      store.delete(cacheName, key);
      return {};
    }),
  };

  const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
  return {
    definition: momentoCacheServiceDefinition,
    implementation,
    install: (host) => host.addService(momentoCacheServiceDefinition, implementation),
    closeAll: () => {},
    failCalls: (failure) => {
      failingAll = failure;
    },
    failNext: (rpc, failure, count = 1) => {
      scripted.push({ rpc, failure, remaining: count });
    },
    keys: (cacheName) => store.keys(cacheName),
    value: (cacheName, key) => {
      const value = store.get(cacheName, utf8(key));
      return value && Buffer.from(value).toString('utf8');
    },
    ttlOf: (cacheName, key) => store.ttlOf(cacheName, utf8(key)),
    clear: () => store.clear(),
    stats: counters,
    onCall: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
