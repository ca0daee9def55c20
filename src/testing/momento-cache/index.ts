/**
 * The Momento cache emulator of `streamrx/testing`: the `cache_client.Scs` calls (Get, Set, SetIf,
 * Delete) for the real `CacheClient`, with failure controls and key inspection.
 *
 * @example
 * ```ts
 * import { startMomentoCacheEmulator, emulatorCacheClient } from 'streamrx/testing';
 * const emulator = await startMomentoCacheEmulator();
 * const cache = emulatorCacheClient(emulator);
 * ```
 * @module
 */
export { startMomentoCacheEmulator } from './cache-emulator.js';
export type { MomentoCacheEmulator, MomentoCacheEmulatorOptions } from './cache-emulator.js';
export { createMomentoCacheService } from './cache-service.js';
export type {
  MomentoCacheService,
  MomentoCacheServiceOptions,
  MomentoCacheFailure,
  MomentoCacheRpcName,
  MomentoCacheStats,
} from './cache-service.js';
export { momentoCacheServiceDefinition } from './cache-service-definition.js';
export { emulatorCacheClient } from './emulator-cache-client.js';
export type { EmulatorCacheClientOptions } from './emulator-cache-client.js';
