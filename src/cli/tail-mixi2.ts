import { defer, finalize, map, type Subscription } from 'rxjs';
import { clientCredentials, credentialsFor, mixi2Client, mixi2Endpoints, mixi2ReconnectPolicy } from '../mixi2/index.js';
import type { Mixi2Emulator } from '../testing/mixi2/index.js';
import type { Environment, Mixi2Settings } from './environment.js';
import { mixi2SettingsFrom } from './environment.js';
import { firstConnectionGuard } from './first-connection-guard.js';
import type { TailSession } from './tail-session.js';

/**
 * Options of {@link openMixi2Tail}.
 *
 * @example
 * ```ts
 * await openMixi2Tail({ env: { MIXI2_CLIENT_ID: 'id', MIXI2_CLIENT_SECRET: 'secret' } });
 * ```
 */
export interface Mixi2TailOptions {
  /** Tail an in-process emulator fed with synthetic traffic instead of the environment's service. @default false */
  emulator?: boolean;
  /** Where the credentials are read. @default process.env */
  env?: Environment;
  /** Period of the emulator's synthetic events, in ms. @default 500 */
  trafficEveryMs?: number;
}

/**
 * The mixi2 source of `streamrx tail mixi2`: the application's events (pings filtered) of the service named
 * by the environment, or of an in-process emulator. A stream that cannot be opened at start fails at once
 * instead of retrying; once open, the official reconnect policy applies.
 *
 * @example
 * ```ts
 * const session = await openMixi2Tail({ emulator: true });
 * session.events$.subscribe(console.log);
 * ```
 */
export async function openMixi2Tail(options: Mixi2TailOptions = {}): Promise<TailSession> {
  let emulator: Mixi2Emulator | undefined;
  let settings: Mixi2Settings;
  if (options.emulator) {
    // Loaded only with --emulator, to keep the start of a plain tail light.
    const { startMixi2Emulator } = await import('../testing/mixi2/index.js');
    emulator = await startMixi2Emulator();
    const { clientId, clientSecret, tokenUrl, streamAddress, apiAddress } = emulator;
    settings = { clientId, clientSecret, tokenUrl, streamAddress, apiAddress, authKey: undefined };
  } else {
    settings = mixi2SettingsFrom(options.env ?? process.env);
  }
  const streamAddress = settings.streamAddress ?? mixi2Endpoints.stream;
  const client = mixi2Client({
    // A failing token endpoint is reported at once; the stream's own policy retries later failures.
    auth: clientCredentials({ clientId: settings.clientId, clientSecret: settings.clientSecret, tokenUrl: settings.tokenUrl ?? mixi2Endpoints.token, retry: { maxRetries: 0 } }),
    streamAddress,
    apiAddress: settings.apiAddress ?? mixi2Endpoints.api,
    credentials: credentialsFor(streamAddress),
    ...(settings.authKey === undefined ? {} : { authKey: settings.authKey }),
  });
  const guard = firstConnectionGuard();
  const feed = emulator ? (await import('./mixi2-traffic.js')).feedMixi2 : undefined;
  let traffic: Subscription | undefined;
  const events$ = defer(() => {
    const watching = client.state$.subscribe(guard.observe);
    if (emulator && feed) traffic = feed(emulator, options.trafficEveryMs ?? 500);
    return client.events({ reconnect: { ...mixi2ReconnectPolicy, shouldRetry: guard.shouldRetry } }).pipe(finalize(() => watching.unsubscribe()));
  });
  return {
    target: `mixi2${emulator ? ' emulator' : ''} (stream ${streamAddress})`,
    events$,
    state$: client.state$,
    notices$: client.gaps$.pipe(map((gap) => `events may be missing after ${gap.lastEventId ?? 'the start'} (${gap.reason})`)),
    close: async () => {
      traffic?.unsubscribe();
      await emulator?.close();
    },
  };
}
