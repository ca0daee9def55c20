import {
  startMisskeyEmulator,
  startMixi2Emulator,
  startMomentoEmulator,
  type MisskeyEmulator,
  type Mixi2Emulator,
  type MomentoEmulator,
} from '../src/testing/index.js';
import type { SourceName } from './meter.js';

/** The emulators a recipe run uses (only those of the services it needs). */
export interface RecipeEmulators {
  mixi2?: Mixi2Emulator;
  misskey?: MisskeyEmulator;
  momento?: MomentoEmulator;
  /** Drops every client connection of every emulator once (the clients must recover). */
  dropConnections(): void;
  /** Resolves `true` once every emulator has a subscribed client (a stream, a channel, a topic), `false` after `timeoutMs`. */
  clientsReady(timeoutMs: number): Promise<boolean>;
  /** Stops every emulator. */
  close(): Promise<void>;
}

/**
 * The Misskey users of the emulated server besides the bot (`admin`), who follows them all.
 * @example
 * ```ts
 * emulators.misskey?.createNote(misskeyCast[0], { text: 'on the bot\'s home timeline' });
 * ```
 */
export const misskeyCast = ['alice', 'bob', 'carol', 'dave'] as const;

/**
 * Starts the emulators of the given services on 127.0.0.1 (random ports). The Misskey one has the bot
 * (`admin`, token `admin-token`) following {@link misskeyCast}, so their notes reach its home timeline.
 *
 * @example
 * ```ts
 * const emulators = await startRecipeEmulators(['mixi2', 'misskey']);
 * emulators.misskey?.createNote('alice', { text: 'hello' });
 * await emulators.close();
 * ```
 */
export async function startRecipeEmulators(services: readonly SourceName[]): Promise<RecipeEmulators> {
  const wanted = new Set(services);
  const [mixi2, misskey, momento] = await Promise.all([
    wanted.has('mixi2') ? startMixi2Emulator({ pingInterval: 5000 }) : undefined,
    wanted.has('misskey') ? startMisskeyEmulator({ users: [{ username: 'admin', token: 'admin-token' }, ...misskeyCast.map((u) => ({ username: u, token: `${u}-token` }))] }) : undefined,
    wanted.has('momento') ? startMomentoEmulator() : undefined,
  ]);
  for (const user of misskeyCast) misskey?.follow('admin', user);
  return {
    ...(mixi2 ? { mixi2 } : {}),
    ...(misskey ? { misskey } : {}),
    ...(momento ? { momento } : {}),
    dropConnections: () => {
      mixi2?.dropConnections();
      misskey?.dropConnections();
      momento?.dropConnections();
    },
    clientsReady: async (timeoutMs) => {
      const ready = (): boolean =>
        (mixi2 === undefined || mixi2.stats().openStreams > 0) && (misskey === undefined || misskey.stats().channels > 0) && (momento === undefined || momento.stats().openStreams > 0);
      const deadline = Date.now() + timeoutMs;
      while (!ready()) {
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return true;
    },
    close: async () => {
      await Promise.all([mixi2?.close(), misskey?.close(), momento?.close()]);
    },
  };
}
