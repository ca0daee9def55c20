import { MomentoLocalProvider, type CredentialProvider } from '@gomomento/sdk';
import { createGrpcHost } from '../momento/grpc-host.js';
import { createMomentoCacheService, type MomentoCacheService, type MomentoCacheServiceOptions } from './cache-service.js';

/**
 * Options of {@link startMomentoCacheEmulator}. Every field is optional.
 *
 * @example
 * ```ts
 * await startMomentoCacheEmulator({ port: 0, caches: ['cache'] });
 * ```
 */
export interface MomentoCacheEmulatorOptions extends MomentoCacheServiceOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
}

/**
 * A running cache emulator: the service controls plus its address and connection controls.
 *
 * @example
 * ```ts
 * const cache = await startMomentoCacheEmulator();
 * expect(cache.keys('cache')).toEqual(['seen:42']);
 * await cache.close(); // from now on clients cannot reach it
 * ```
 */
export interface MomentoCacheEmulator extends Omit<MomentoCacheService, 'install' | 'closeAll' | 'definition' | 'implementation'> {
  /** The bound TCP port. */
  readonly port: number;
  /** `127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** A `MomentoLocalProvider` pointing at this emulator (plaintext, empty credential). */
  credentialProvider(): CredentialProvider;
  /** Destroys every TCP connection (clients see UNAVAILABLE and reconnect); returns how many there were. */
  dropConnections(): number;
  /** Open TCP connections. */
  readonly connections: number;
  /** Cuts every connection and stops listening: the cache becomes unreachable. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the Momento cache emulator on 127.0.0.1: the `cache_client.Scs` calls Get, Set, SetIf (every
 * condition, so `setIfAbsent`, `setIfPresent`, `setIfEqual`... work) and Delete, with TTLs, reached by the
 * real `CacheClient` of `@gomomento/sdk` through `MomentoLocalProvider`. To serve the cache on the Momento
 * (topics) emulator's port instead, mount {@link createMomentoCacheService} on its gRPC host.
 *
 * @example
 * ```ts
 * const emulator = await startMomentoCacheEmulator();
 * const cache = new CacheClient({
 *   credentialProvider: emulator.credentialProvider(),
 *   configuration: Configurations.Laptop.latest(),
 *   defaultTtlSeconds: 60,
 * });
 * await cache.setIfAbsent('cache', 'seen:42', '1');
 * emulator.failCalls({ code: status.UNAVAILABLE }); // every call fails until failCalls(false)
 * ```
 */
export async function startMomentoCacheEmulator(options: MomentoCacheEmulatorOptions = {}): Promise<MomentoCacheEmulator> {
  const service = createMomentoCacheService(options);
  const host = createGrpcHost();
  service.install(host);
  const port = await host.listen(options.port ?? 0);
  const { install: _install, closeAll: _closeAll, definition: _definition, implementation: _implementation, ...controls } = service;
  return {
    ...controls,
    stats: service.stats,
    port,
    endpoint: `127.0.0.1:${port}`,
    credentialProvider: () => new MomentoLocalProvider({ hostname: '127.0.0.1', port }),
    dropConnections: () => host.dropConnections(),
    get connections() {
      return host.connectionCount;
    },
    close: () => host.close(),
  };
}
