import type { RetryBackoffOptions, Telemetry } from '../src/index.js';
import { misskey, misskeyFromEnv, misskeyUserRateLimits } from '../src/misskey/index.js';
import { clientCredentials, mixi2Client, mixi2ClientFromEnv } from '../src/mixi2/index.js';
import { topicClientFromEnv } from '../src/momento/index.js';
import { emulatorTopicClient, type MisskeyEmulator, type Mixi2Emulator, type MomentoEmulator } from '../src/testing/index.js';
import { misskeySettings, mixi2Settings, momentoConfigured, momentoNames, type Env } from './environment.js';
import { startRecipeEmulators, type RecipeEmulators } from './emulators.js';
import type { SourceName } from './meter.js';
import { misskeyLink, type MisskeyLink } from './misskey-link.js';
import { mixi2Link, type Mixi2Link } from './mixi2-link.js';
import { momentoLink, type MomentoLink } from './momento-link.js';
import { SourceMetrics } from './source-metrics.js';

/** Reconnect policies for emulated services; the real services always get the library defaults. */
export interface EmulatorPolicies {
  /** mixi2 stream reconnects. @default { initialDelay: 250, multiplier: 2, maxDelay: 1000, maxRetries: 5 } */
  mixi2?: RetryBackoffOptions;
  /** Misskey socket reconnects. @default { initialDelay: 250, multiplier: 2, maxDelay: 2000, jitter: 0.2 } */
  misskey?: RetryBackoffOptions;
  /** Momento resubscribes by streamrx and publish retries. @default { initialDelay: 100, maxDelay: 1000 } */
  momento?: RetryBackoffOptions;
  /** The Momento SDK's own wait before it resubscribes, in ms. @default 100 */
  momentoResubscribeDelayMs?: number;
  /** How long the Misskey socket lingers after its last subscriber, in ms. @default 100 */
  misskeyCloseDelay?: number;
}

/**
 * Quick but realistic recoveries for runs against the emulators, so a dropped connection heals within a
 * second or so.
 *
 * @example
 * ```ts
 * await connectSources(['mixi2'], { policies: { ...demoPolicies, mixi2: { initialDelay: 5, maxRetries: 3 } } });
 * ```
 */
export const demoPolicies: Readonly<Required<EmulatorPolicies>> = Object.freeze({
  mixi2: { initialDelay: 250, multiplier: 2, maxDelay: 1000, maxRetries: 5 },
  misskey: { initialDelay: 250, multiplier: 2, maxDelay: 2000, jitter: 0.2 },
  momento: { initialDelay: 100, maxDelay: 1000 },
  momentoResubscribeDelayMs: 100,
  misskeyCloseDelay: 100,
});

/**
 * A link to a mixi2 emulator, with the given policies, its client reporting to `telemetry` when given.
 *
 * @example
 * ```ts
 * const link = mixi2LinkTo(await startMixi2Emulator(), { mixi2: { initialDelay: 5 } });
 * ```
 */
export function mixi2LinkTo(emulator: Mixi2Emulator, policies: EmulatorPolicies = {}, telemetry?: Telemetry): Mixi2Link {
  const client = mixi2Client({
    auth: clientCredentials({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tokenUrl: emulator.tokenUrl }),
    streamAddress: emulator.streamAddress,
    apiAddress: emulator.apiAddress,
    credentials: emulator.credentials,
    apiLinger: 1000,
    ...(telemetry ? { telemetry } : {}),
  });
  return mixi2Link(client, { reconnect: policies.mixi2 ?? demoPolicies.mixi2 });
}

/**
 * A link to a Misskey emulator as its `admin` user (the bot), with the given policies, its client reporting
 * to `telemetry` when given.
 *
 * @example
 * ```ts
 * const link = misskeyLinkTo(emulator, { misskey: { initialDelay: 5 } });
 * ```
 */
export function misskeyLinkTo(emulator: MisskeyEmulator, policies: EmulatorPolicies = {}, telemetry?: Telemetry): MisskeyLink {
  const client = misskey({
    origin: emulator.origin,
    token: emulator.users['admin']?.token ?? 'admin-token',
    reconnect: policies.misskey ?? demoPolicies.misskey,
    closeDelay: policies.misskeyCloseDelay ?? demoPolicies.misskeyCloseDelay,
    http: { rateLimits: misskeyUserRateLimits },
    ...(telemetry ? { telemetry } : {}),
  });
  return misskeyLink(client);
}

/**
 * A link to a Momento emulator for `cacheName`, with the given policies, its subscriptions and publishes
 * reporting to `telemetry` when given.
 *
 * @example
 * ```ts
 * const link = momentoLinkTo(emulator, 'streamrx', { momentoResubscribeDelayMs: 5 });
 * ```
 */
export function momentoLinkTo(emulator: MomentoEmulator, cacheName: string, policies: EmulatorPolicies = {}, telemetry?: Telemetry): MomentoLink {
  const client = emulatorTopicClient(emulator, { resubscribeDelayMs: policies.momentoResubscribeDelayMs ?? demoPolicies.momentoResubscribeDelayMs });
  const policy = policies.momento ?? demoPolicies.momento;
  return momentoLink(client, cacheName, { resubscribe: policy, publishRetry: { ...policy, maxRetries: 5 }, ...(telemetry ? { telemetry } : {}) });
}

/** The links of a run, and the emulators behind those that are not real. */
export interface Connections {
  mixi2?: Mixi2Link;
  misskey?: MisskeyLink;
  momento?: MomentoLink;
  /** Names of the Momento cache and feed topic. */
  readonly momentoNames: { cacheName: string; topic: string };
  /** The emulators started for services without credentials. */
  readonly emulators: RecipeEmulators;
  /** The OpenTelemetry metrics every client of the links reports to, read in process. */
  readonly metrics: SourceMetrics;
  /** Closes the links, the Momento client, the emulators and the metrics. */
  close(): Promise<void>;
}

/** Options of {@link connectSources}. */
export interface ConnectOptions {
  /** Where credentials are read. @default process.env */
  env?: Env;
  /** Policies for emulated services. @default demoPolicies */
  policies?: EmulatorPolicies;
}

/**
 * Connects the services a recipe needs: each one whose credentials are in the environment as they say
 * (see `RECIPE_ENV`: the real service, or the emulators of a separate `streamrx emulate`, whose loopback
 * mixi2 addresses get plaintext), every other one on an in-process emulator.
 *
 * @example
 * ```ts
 * const connections = await connectSources(['misskey']);
 * connections.misskey?.channel('homeTimeline').subscribe(console.log);
 * ```
 */
export async function connectSources(services: readonly SourceName[], options: ConnectOptions = {}): Promise<Connections> {
  const env = options.env ?? process.env;
  const policies = options.policies ?? demoPolicies;
  const wanted = new Set(services);
  const realMixi2 = wanted.has('mixi2') ? mixi2Settings(env) : undefined;
  const realMisskey = wanted.has('misskey') ? misskeySettings(env) : undefined;
  const realMomento = wanted.has('momento') && momentoConfigured(env);
  const emulated = services.filter((s) => (s === 'mixi2' ? !realMixi2 : s === 'misskey' ? !realMisskey : !realMomento));
  const emulators = await startRecipeEmulators(emulated);
  const names = momentoNames(env);
  const metrics = new SourceMetrics();
  const { telemetry } = metrics;

  const links: Pick<Connections, 'mixi2' | 'misskey' | 'momento'> = {};
  // A loopback address in the environment is an emulator started elsewhere (`streamrx emulate`): the
  // FromEnv factories reach it in plaintext.
  if (realMixi2) links.mixi2 = mixi2Link(mixi2ClientFromEnv({ env, telemetry }), {}, true);
  else if (emulators.mixi2) links.mixi2 = mixi2LinkTo(emulators.mixi2, policies, telemetry);
  if (realMisskey) links.misskey = misskeyLink(misskeyFromEnv({ env, http: { rateLimits: misskeyUserRateLimits }, telemetry }), true);
  else if (emulators.misskey) links.misskey = misskeyLinkTo(emulators.misskey, policies, telemetry);
  if (realMomento) links.momento = momentoLink(topicClientFromEnv({ env }), names.cacheName, { real: true, telemetry });
  else if (emulators.momento) links.momento = momentoLinkTo(emulators.momento, names.cacheName, policies, telemetry);

  return {
    ...links,
    momentoNames: names,
    emulators,
    metrics,
    close: async () => {
      links.mixi2?.close();
      links.misskey?.close();
      links.momento?.close();
      await emulators.close();
      await metrics.close();
    },
  };
}
