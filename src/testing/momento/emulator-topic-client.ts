import {
  MomentoLocalProvider,
  NoopMomentoLoggerFactory,
  TopicClient,
  TopicConfigurations,
  type MomentoLoggerFactory,
} from '@gomomento/sdk';
import { TopicSubscriptionRetryStrategy } from '@gomomento/sdk/dist/src/config/retry/topic-subscription-retry-strategy.js';

/**
 * Options of {@link emulatorTopicClient}. Every field is optional.
 *
 * @example
 * ```ts
 * emulatorTopicClient(emulator, { streamConnections: 2, clientTimeoutMs: 500, resubscribeDelayMs: 5 });
 * ```
 */
export interface EmulatorTopicClientOptions {
  /** gRPC connections for subscriptions (each carries at most 100 subscriptions). @default 1 */
  streamConnections?: number;
  /** gRPC connections for publishes. @default 1 */
  unaryConnections?: number;
  /** Deadline of publishes and of the first stream of each subscription, in milliseconds. @default 5000 */
  clientTimeoutMs?: number;
  /** The SDK's fixed wait before it resubscribes after a stream error (500 ms in the SDK). @default 20 */
  resubscribeDelayMs?: number;
  /** Where the SDK logs. @default a factory that discards everything */
  loggerFactory?: MomentoLoggerFactory;
}

/**
 * A real `TopicClient` of `@gomomento/sdk` pointed at an emulator through `MomentoLocalProvider`, quiet and
 * quick to resubscribe, for tests and local runs.
 *
 * @example
 * ```ts
 * const emulator = await startMomentoEmulator();
 * const client = emulatorTopicClient(emulator, { resubscribeDelayMs: 10 });
 * await client.publish('cache', 'topic', 'hello');
 * ```
 */
export function emulatorTopicClient(emulator: { readonly port: number }, options: EmulatorTopicClientOptions = {}): TopicClient {
  const loggerFactory = options.loggerFactory ?? new NoopMomentoLoggerFactory();
  const retryStrategy = new TopicSubscriptionRetryStrategy({
    logger: loggerFactory.getLogger('streamrx-emulator-client'),
    retryDelayMillis: options.resubscribeDelayMs ?? 20,
  });
  const configuration = TopicConfigurations.Default.latest(loggerFactory)
    .withNumStreamConnections(options.streamConnections ?? 1)
    .withNumUnaryConnections(options.unaryConnections ?? 1)
    .withClientTimeoutMillis(options.clientTimeoutMs ?? 5000)
    .withSubscriptionRetryStrategy(retryStrategy);
  return new TopicClient({
    credentialProvider: new MomentoLocalProvider({ hostname: '127.0.0.1', port: emulator.port }),
    configuration,
  });
}
