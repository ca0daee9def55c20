import {
  DefaultMomentoLoggerFactory,
  DefaultMomentoLoggerLevel,
  TopicClient,
  TopicConfigurations,
  type MomentoLoggerFactory,
  type TopicConfiguration,
} from '@gomomento/sdk';
import type { EnvironmentVariables } from '../core/env-setting.js';
import { momentoCredentialsFromEnv } from './momento-credentials-from-env.js';

/**
 * Options of {@link topicClientFromEnv}. Every field is optional.
 *
 * @example
 * ```ts
 * topicClientFromEnv({ env: { MOMENTO_LOCAL_ENDPOINT: '127.0.0.1:9090' }, loggerFactory: new NoopMomentoLoggerFactory() });
 * ```
 */
export interface TopicClientFromEnvOptions {
  /** Where the variables are read. @default process.env */
  env?: EnvironmentVariables;
  /** Where the SDK logs. @default the SDK's console logger at WARN level */
  loggerFactory?: MomentoLoggerFactory;
  /** The SDK configuration. @default TopicConfigurations.Default.latest(loggerFactory) */
  configuration?: TopicConfiguration;
}

/**
 * Builds a `TopicClient` from the environment, for recipes and the CLI:
 * - `MOMENTO_LOCAL_ENDPOINT=host:port`: a plaintext local server (the streamrx emulator, momento-local);
 *   no key needed.
 * - otherwise `MOMENTO_API_KEY` (required), with `MOMENTO_ENDPOINT` for a v2 API key; a legacy or v1 key
 *   carries its endpoint itself.
 *
 * Throws `InvalidArgumentError` (without the key in its message) when the key is missing or unusable.
 *
 * @example
 * ```ts
 * const client = topicClientFromEnv();
 * topicItems(client, process.env.MOMENTO_CACHE ?? 'cache', 'events').subscribe(console.log);
 * ```
 */
export function topicClientFromEnv(options: TopicClientFromEnvOptions = {}): TopicClient {
  const env = options.env ?? process.env;
  const loggerFactory = options.loggerFactory ?? new DefaultMomentoLoggerFactory(DefaultMomentoLoggerLevel.WARN);
  const configuration = options.configuration ?? TopicConfigurations.Default.latest(loggerFactory);
  return new TopicClient({ credentialProvider: momentoCredentialsFromEnv(env), configuration });
}
