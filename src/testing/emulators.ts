import { startMisskeyEmulator, type MisskeyEmulator } from './misskey/index.js';
import { startMixi2Emulator, type Mixi2Emulator } from './mixi2/index.js';
import { startMomentoEmulator, type MomentoEmulator } from './momento/index.js';

/**
 * Options of {@link startEmulators}.
 *
 * @example
 * ```ts
 * await startEmulators({ misskeyPort: 3000, momentoPort: 0 });
 * ```
 */
export interface StartEmulatorsOptions {
  /** Port of the Misskey emulator; 0 picks a free one. @default 0 */
  misskeyPort?: number;
  /** Port of the Momento emulator; 0 picks a free one. @default 0 */
  momentoPort?: number;
}

/**
 * The three running emulators.
 *
 * @example
 * ```ts
 * const { misskey } = await startEmulators();
 * misskey.createNote('alice', { text: 'hi' });
 * ```
 */
export interface Emulators {
  /** The mixi2 emulator. */
  readonly mixi2: Mixi2Emulator;
  /** The Misskey emulator (port `misskeyPort`). */
  readonly misskey: MisskeyEmulator;
  /** The Momento emulator (port `momentoPort`). */
  readonly momento: MomentoEmulator;
  /** Stops all three. */
  close(): Promise<void>;
}

/**
 * Starts the mixi2, Misskey and Momento emulators on 127.0.0.1. If one fails to start (a port in use), the
 * others are stopped before the error propagates.
 *
 * @example
 * ```ts
 * const emulators = await startEmulators({ misskeyPort: 3000 });
 * console.log(emulators.misskey.origin);
 * await emulators.close();
 * ```
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const started = await Promise.allSettled([
    startMixi2Emulator(),
    startMisskeyEmulator({ port: options.misskeyPort ?? 0, record: false }),
    startMomentoEmulator({ port: options.momentoPort ?? 0 }),
  ] as const);
  const [mixi2, misskey, momento] = started;
  if (mixi2.status === 'rejected' || misskey.status === 'rejected' || momento.status === 'rejected') {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    throw failure?.reason;
  }
  return {
    mixi2: mixi2.value,
    misskey: misskey.value,
    momento: momento.value,
    close: async () => {
      await Promise.all([mixi2.value.close(), misskey.value.close(), momento.value.close()]);
    },
  };
}

/**
 * The environment variables that point `streamrx tail`, the recipes and a bot at the emulators (the names
 * `streamrx tail` reads; Momento's as `topicClientFromEnv` reads them).
 *
 * @example
 * ```ts
 * Object.assign(process.env, emulatorEnvironment(emulators));
 * ```
 */
export function emulatorEnvironment(emulators: Pick<Emulators, 'mixi2' | 'misskey' | 'momento'>): Record<string, string> {
  const { mixi2, misskey, momento } = emulators;
  return {
    MIXI2_CLIENT_ID: mixi2.clientId,
    MIXI2_CLIENT_SECRET: mixi2.clientSecret,
    MIXI2_TOKEN_URL: mixi2.tokenUrl,
    MIXI2_STREAM_ADDRESS: mixi2.streamAddress,
    MIXI2_API_ADDRESS: mixi2.apiAddress,
    MIXI2_WEBHOOK_PUBLIC_KEY: mixi2.webhookPublicKey,
    MISSKEY_ORIGIN: misskey.origin,
    MISSKEY_TOKEN: misskey.users['admin']?.token ?? '',
    MOMENTO_LOCAL_ENDPOINT: momento.endpoint,
  };
}
