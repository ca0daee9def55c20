import { NoopMomentoLoggerFactory, type TopicClient } from '@gomomento/sdk';
import { BehaviorSubject, defer, EMPTY, filter, map, type Subscription } from 'rxjs';
import type { ConnectionState } from '../core/connection-state.js';
import { InvalidArgumentError } from '../core/errors.js';
import { momentoResubscribePolicy, topicClientFromEnv, topicEvents, type TopicEvent } from '../momento/index.js';
import type { MomentoEmulator } from '../testing/momento/index.js';
import { CredentialsError } from './cli-errors.js';
import { requireMomentoCredentials, type Environment } from './environment.js';
import { firstConnectionGuard } from './first-connection-guard.js';
import type { TailSession } from './tail-session.js';

/**
 * Options of {@link openMomentoTail}.
 *
 * @example
 * ```ts
 * await openMomentoTail({ cacheName: 'cache', topic: 'demo', env: { MOMENTO_LOCAL_ENDPOINT: '127.0.0.1:4000' } });
 * ```
 */
export interface MomentoTailOptions {
  cacheName: string;
  topic: string;
  /** Tail an in-process emulator fed with synthetic items instead of the environment's service. @default false */
  emulator?: boolean;
  /** Where the credentials are read. @default process.env */
  env?: Environment;
  /** Period of the emulator's synthetic items, in ms. @default 500 */
  trafficEveryMs?: number;
}

/** How a topic event is printed: text as `text`, bytes as base64 `bytes`; heartbeats are not printed. */
function printable(event: Exclude<TopicEvent, { type: 'heartbeat' }>): object {
  if (event.type !== 'item') return event;
  const { value, ...rest } = event;
  return typeof value === 'string' ? { ...rest, text: value } : { ...rest, bytes: value };
}

/**
 * The Momento source of `streamrx tail momento <cache> <topic>`: items and discontinuities of a topic, from
 * the service named by the environment (as `topicClientFromEnv` reads it) or from an in-process emulator.
 * A subscription that fails at start fails at once instead of retrying. The SDK never logs to stdout.
 *
 * @example
 * ```ts
 * const session = await openMomentoTail({ cacheName: 'cache', topic: 'demo', emulator: true });
 * session.events$.subscribe(console.log);
 * ```
 */
export async function openMomentoTail(options: MomentoTailOptions): Promise<TailSession> {
  const { cacheName, topic } = options;
  const env = options.env ?? process.env;
  let emulator: MomentoEmulator | undefined;
  let client: TopicClient;
  if (options.emulator) {
    // Loaded only with --emulator, to keep the start of a plain tail light.
    const { emulatorTopicClient, startMomentoEmulator } = await import('../testing/momento/index.js');
    emulator = await startMomentoEmulator();
    client = emulatorTopicClient(emulator);
  } else {
    client = clientFromEnv(env);
  }
  const endpoint = emulator?.endpoint ?? env['MOMENTO_LOCAL_ENDPOINT'] ?? env['MOMENTO_ENDPOINT'];
  const guard = firstConnectionGuard();
  const state$ = new BehaviorSubject<ConnectionState>('closed');
  const feed = emulator ? (await import('./momento-traffic.js')).feedMomento : undefined;
  let traffic: Subscription | undefined;
  const events$ = defer(() => {
    if (emulator && feed) traffic = feed(emulator, cacheName, topic, options.trafficEveryMs ?? 500);
    const onStateChange = (state: ConnectionState): void => {
      guard.observe(state);
      state$.next(state);
    };
    return topicEvents(client, cacheName, topic, { retry: { ...momentoResubscribePolicy, shouldRetry: guard.shouldRetry }, onStateChange }).pipe(
      filter((event): event is Exclude<TopicEvent, { type: 'heartbeat' }> => event.type !== 'heartbeat'),
      map(printable),
    );
  });
  return {
    target: `momento${emulator ? ' emulator' : ''} topic ${cacheName}/${topic}${endpoint === undefined ? '' : ` at ${endpoint}`}`,
    events$,
    state$,
    notices$: EMPTY,
    close: async () => {
      traffic?.unsubscribe();
      // TopicClient has no close(); its channels end with the process (the command exits explicitly).
      await emulator?.close();
    },
  };
}

function clientFromEnv(env: Environment): TopicClient {
  requireMomentoCredentials(env);
  try {
    return topicClientFromEnv({ env, loggerFactory: new NoopMomentoLoggerFactory() });
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new CredentialsError('momento', error.message);
    throw error;
  }
}
