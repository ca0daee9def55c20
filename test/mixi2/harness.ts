import { firstValueFrom, take, toArray, type Observable, type Subscription } from 'rxjs';
import { clientCredentials, mixi2Client, type Mixi2Client, type Mixi2ClientOptions } from '../../src/mixi2/index.js';
import type { ClientCredentialsOptions } from '../../src/mixi2/client-credentials.js';
import { startMixi2Emulator, type Mixi2Emulator, type Mixi2EmulatorOptions } from '../../src/testing/mixi2/index.js';

/** An emulator, a client wired to it, and the subscriptions a test opened (released by `close`). */
export interface World {
  emulator: Mixi2Emulator;
  client: Mixi2Client;
  subscriptions: Subscription[];
  /** Subscribes and keeps what arrives. */
  collect<T>(source: Observable<T>): { values: T[]; errors: unknown[]; completed: () => boolean; subscription: Subscription };
  close(): Promise<void>;
}

/** Fast reconnect policy for tests: the official shape (×2, 3 retries) at 1/1000 of the delays. */
export const fastPolicy = { initialDelay: 5, multiplier: 2, maxDelay: 20, maxRetries: 3 } as const;

export async function startWorld(
  options: { emulator?: Mixi2EmulatorOptions; client?: Partial<Mixi2ClientOptions>; auth?: Partial<ClientCredentialsOptions> } = {},
): Promise<World> {
  const emulator = await startMixi2Emulator({ pingInterval: Infinity, ...options.emulator });
  const client = mixi2Client({
    auth: clientCredentials({
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      tokenUrl: emulator.tokenUrl,
      retry: { initialDelay: 5, maxRetries: 2 },
      ...options.auth,
    }),
    streamAddress: emulator.streamAddress,
    apiAddress: emulator.apiAddress,
    credentials: emulator.credentials,
    apiLinger: 0,
    ...options.client,
  });
  const subscriptions: Subscription[] = [];
  return {
    emulator,
    client,
    subscriptions,
    collect<T>(source: Observable<T>) {
      const values: T[] = [];
      const errors: unknown[] = [];
      let done = false;
      const subscription = source.subscribe({ next: (v) => values.push(v), error: (e) => errors.push(e), complete: () => (done = true) });
      subscriptions.push(subscription);
      return { values, errors, completed: () => done, subscription };
    },
    async close() {
      for (const s of subscriptions) s.unsubscribe();
      await emulator.close();
    },
  };
}

/** Resolves with the first `n` values of a source. */
export function firstN<T>(source: Observable<T>, n: number): Promise<T[]> {
  return firstValueFrom(source.pipe(take(n), toArray()));
}

/** Resolves once `predicate` holds, checking after each turn of the event loop (event-driven, no fixed sleep). */
export async function until(predicate: () => boolean, what = 'condition', limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
