import { CacheClient, Configurations, MomentoLocalProvider, NoopMomentoLoggerFactory, type MomentoLoggerFactory } from '@gomomento/sdk';

/**
 * Options of {@link emulatorCacheClient}. Every field is optional.
 *
 * @example
 * ```ts
 * emulatorCacheClient(emulator, { clientTimeoutMs: 500, defaultTtlSeconds: 60 });
 * ```
 */
export interface EmulatorCacheClientOptions {
  /** Deadline of each call, in milliseconds. @default 5000 */
  clientTimeoutMs?: number;
  /** TTL of values stored without one, in seconds. @default 60 */
  defaultTtlSeconds?: number;
  /** Where the SDK logs. @default a factory that discards everything */
  loggerFactory?: MomentoLoggerFactory;
}

/**
 * A real `CacheClient` of `@gomomento/sdk` pointed at a cache emulator (or any plaintext local endpoint)
 * through `MomentoLocalProvider`, quiet, for tests and local runs.
 *
 * @example
 * ```ts
 * const emulator = await startMomentoCacheEmulator();
 * const cache = emulatorCacheClient(emulator);
 * await cache.setIfAbsent('cache', 'key', 'value', { ttl: 10 });
 * ```
 */
export function emulatorCacheClient(emulator: { readonly port: number }, options: EmulatorCacheClientOptions = {}): CacheClient {
  const loggerFactory = options.loggerFactory ?? new NoopMomentoLoggerFactory();
  return new CacheClient({
    credentialProvider: new MomentoLocalProvider({ hostname: '127.0.0.1', port: emulator.port }),
    configuration: Configurations.Laptop.latest(loggerFactory).withClientTimeoutMillis(options.clientTimeoutMs ?? 5000),
    defaultTtlSeconds: options.defaultTtlSeconds ?? 60,
  });
}
