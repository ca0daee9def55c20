import { CacheClient, Configurations, DefaultMomentoLoggerFactory, DefaultMomentoLoggerLevel, type CacheConfiguration, type MomentoLoggerFactory } from '@gomomento/sdk';
import type { EnvironmentVariables } from '../core/env-setting.js';
import { momentoCredentialsFromEnv } from './momento-credentials-from-env.js';

/**
 * Options of {@link cacheClientFromEnv}. Every field is optional.
 *
 * @example
 * ```ts
 * cacheClientFromEnv({ defaultTtlSeconds: 600, loggerFactory: new NoopMomentoLoggerFactory() });
 * ```
 */
export interface CacheClientFromEnvOptions {
  /** Where the variables are read. @default process.env */
  env?: EnvironmentVariables;
  /** Where the SDK logs. @default the SDK's console logger at WARN level */
  loggerFactory?: MomentoLoggerFactory;
  /** The SDK configuration. @default Configurations.InRegion.Default.latest(loggerFactory) */
  configuration?: CacheConfiguration;
  /** TTL of values stored without one, in seconds. @default 600 */
  defaultTtlSeconds?: number;
}

/**
 * Builds a Momento `CacheClient` (for `dedupeAcross`) from the same variables as {@link topicClientFromEnv}:
 * `MOMENTO_LOCAL_ENDPOINT=host:port` for a local server (the streamrx emulator serves the cache on the
 * topics' port), otherwise `MOMENTO_API_KEY` (and `MOMENTO_ENDPOINT` for a v2 key).
 *
 * @example
 * ```ts
 * const cache = cacheClientFromEnv();
 * webhookEvents$.pipe(dedupeAcross(cache, 'cache', (event) => event.eventId, { ttl: 600_000 }));
 * ```
 */
export function cacheClientFromEnv(options: CacheClientFromEnvOptions = {}): CacheClient {
  const env = options.env ?? process.env;
  const loggerFactory = options.loggerFactory ?? new DefaultMomentoLoggerFactory(DefaultMomentoLoggerLevel.WARN);
  return new CacheClient({
    credentialProvider: momentoCredentialsFromEnv(env),
    configuration: options.configuration ?? Configurations.InRegion.Default.latest(loggerFactory),
    defaultTtlSeconds: options.defaultTtlSeconds ?? 600,
  });
}
