import { defer, finalize, map, type Subscription } from 'rxjs';
import { misskey, type ChannelName, type ChannelParams } from '../misskey/index.js';
import type { MisskeyEmulator } from '../testing/misskey/index.js';
import { misskeySettingsFrom, type Environment, type MisskeySettings } from './environment.js';
import { firstConnectionGuard } from './first-connection-guard.js';
import type { TailSession } from './tail-session.js';

/**
 * Options of {@link openMisskeyTail}.
 *
 * @example
 * ```ts
 * await openMisskeyTail({ channel: 'hashtag', params: { q: [['cats']] }, ackTimeout: 5000 });
 * ```
 */
export interface MisskeyTailOptions {
  /** The channel to tail, e.g. `'localTimeline'`. */
  channel: ChannelName;
  /** The channel's `connect` params. @default none */
  params?: Record<string, unknown> | undefined;
  /** How long the server may take to accept the channel, in ms. @default 10000 */
  ackTimeout?: number;
  /** Tail an in-process emulator fed with synthetic notes instead of the environment's server. @default false */
  emulator?: boolean;
  /** Where the credentials are read. @default process.env */
  env?: Environment;
  /** Period of the emulator's synthetic notes, in ms. @default 500 */
  trafficEveryMs?: number;
}

/**
 * The Misskey source of `streamrx tail misskey <channel>`: the channel's messages as
 * `{ channel, type, body }`, from the server named by the environment or from an in-process emulator
 * (as admin). A server that cannot be reached at start fails at once instead of retrying.
 *
 * @example
 * ```ts
 * const session = await openMisskeyTail({ channel: 'localTimeline', emulator: true });
 * session.events$.subscribe(console.log);
 * ```
 */
export async function openMisskeyTail(options: MisskeyTailOptions): Promise<TailSession> {
  const { channel } = options;
  let emulator: MisskeyEmulator | undefined;
  let settings: MisskeySettings;
  if (options.emulator) {
    // Loaded only with --emulator, to keep the start of a plain tail light.
    const { startMisskeyEmulator } = await import('../testing/misskey/index.js');
    emulator = await startMisskeyEmulator({ record: false });
    settings = { origin: emulator.origin, token: emulator.users['admin']?.token };
  } else {
    settings = misskeySettingsFrom(options.env ?? process.env, channel);
  }
  const guard = firstConnectionGuard();
  const client = misskey({
    origin: settings.origin,
    ...(settings.token === undefined ? {} : { token: settings.token }),
    reconnect: { initialDelay: 1000, multiplier: 2, maxDelay: 30_000, jitter: 0.5, shouldRetry: guard.shouldRetry },
    ackTimeout: options.ackTimeout ?? 10_000,
    closeDelay: 0,
  });
  const feed = emulator ? (await import('./misskey-traffic.js')).feedMisskey : undefined;
  let traffic: Subscription | undefined;
  const events$ = defer(() => {
    const watching = client.state$.subscribe(guard.observe);
    if (emulator && feed) traffic = feed(emulator, options.trafficEveryMs ?? 500);
    return client.channel(channel, options.params as ChannelParams<typeof channel>).pipe(
      map((message) => ({ channel, type: message.type, body: message.body })),
      finalize(() => watching.unsubscribe()),
    );
  });
  return {
    target: `misskey${emulator ? ' emulator' : ''} ${channel} at ${settings.origin}`,
    events$,
    state$: client.state$,
    notices$: client.gapFills$.pipe(map((fill) => `fetched ${fill.fetched} notes missed since ${fill.sinceId ?? new Date(fill.sinceDate ?? 0).toISOString()}${fill.complete ? '' : ' (more may be missing)'}`)),
    close: async () => {
      traffic?.unsubscribe();
      await emulator?.close();
    },
  };
}
