import { filter, firstValueFrom, type Observable, ReplaySubject, Subject, type Subscription } from 'rxjs';
import { misskey, type MisskeyClient, type MisskeyOptions } from '../../src/misskey/index.js';
import { startMisskeyEmulator, type MisskeyEmulator, type MisskeyEmulatorOptions } from '../../src/testing/misskey/index.js';

/** Fast timings for tests: small reconnect delays, grace period and ack timeout; no wall-clock sleeps. */
export const fastClient: Partial<MisskeyOptions> = {
  reconnect: { initialDelay: 5, multiplier: 2, maxDelay: 40, jitter: 0.2 },
  closeDelay: 10,
  ackTimeout: 5000,
  http: { retry: { initialDelay: 5, maxDelay: 20, maxRetries: 3 } },
};

/** Tracks emulators, clients and subscriptions of one test and releases them all. */
export class Rig {
  readonly emulators: MisskeyEmulator[] = [];
  readonly subscriptions: Subscription[] = [];

  async emulator(options: MisskeyEmulatorOptions = {}): Promise<MisskeyEmulator> {
    const emulator = await startMisskeyEmulator(options);
    this.emulators.push(emulator);
    return emulator;
  }

  client(emulator: MisskeyEmulator, options: Partial<MisskeyOptions> = {}): MisskeyClient {
    return misskey({ origin: emulator.origin, token: emulator.users['admin']?.token, ...fastClient, ...options });
  }

  /** Subscribes and records every value; `done` settles with the error or completion. */
  record<T>(source: Observable<T>): Recording<T> {
    const recording = new Recording<T>();
    this.subscriptions.push(source.subscribe(recording.observer));
    return recording;
  }

  async dispose(): Promise<void> {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    await Promise.all(this.emulators.splice(0).map((e) => e.close()));
  }
}

/** Values, error and completion of one subscription, awaitable. */
export class Recording<T> {
  readonly values: T[] = [];
  error: unknown;
  completed = false;
  private readonly events = new ReplaySubject<number>(1);
  private readonly settled = new ReplaySubject<void>(1);

  readonly observer = {
    next: (value: T) => {
      this.values.push(value);
      this.events.next(this.values.length);
    },
    error: (error: unknown) => {
      this.error = error;
      this.settled.next();
    },
    complete: () => {
      this.completed = true;
      this.settled.next();
    },
  };

  /** Resolves once at least `count` values arrived. */
  async count(count: number): Promise<T[]> {
    if (this.values.length < count) await firstValueFrom(this.events.pipe(filter((n) => n >= count)));
    return this.values;
  }

  /** Resolves once the subscription errored or completed. */
  async done(): Promise<unknown> {
    await firstValueFrom(this.settled);
    return this.error;
  }
}

/** Resolves once `predicate` holds, checking after each turn of the event loop (for emulator-side state). */
export async function until(predicate: () => boolean, what = 'condition', limit = 5000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Drops every socket and keeps upgrades refused (503) while `during` runs, so it happens while the client
 * is disconnected; then lets the client back in. Resolves with what `during` returned.
 */
export async function duringOutage<T>(emulator: MisskeyEmulator, client: MisskeyClient, during: () => T): Promise<T> {
  emulator.refuseUpgrades(503);
  emulator.dropConnections();
  await reach(client.state$, 'reconnecting');
  const result = during();
  emulator.refuseUpgrades(null);
  return result;
}

/**
 * A client holding at most two outbound messages, subscribed to `serverStats` with a `send$`; five
 * `requestLog` messages (r0..r4) are sent during an outage, so the three oldest are dropped. Resolves once
 * the client is back and the two held requests have been answered.
 */
export async function overflowOutboundDuringOutage(
  rig: Rig,
  options: Partial<MisskeyOptions> = {},
): Promise<{ emulator: MisskeyEmulator; client: MisskeyClient }> {
  const emulator = await rig.emulator();
  const client = rig.client(emulator, { ...options, maxQueuedMessages: 2 });
  const requests = new Subject<{ type: 'requestLog'; body: { id: string; length: number } }>();
  const stats = rig.record(client.channel('serverStats', undefined, { send$: requests }));
  await until(() => emulator.stats().channels === 1, 'connected');
  await duringOutage(emulator, client, () => {
    for (let i = 0; i < 5; i++) requests.next({ type: 'requestLog', body: { id: `r${i}`, length: 1 } });
  });
  await stats.count(2);
  return { emulator, client };
}

/** Resolves when `state$` reaches `state`. */
export function reach<S>(state$: Observable<S>, state: S): Promise<S> {
  return firstValueFrom(state$.pipe(filter((s) => s === state)));
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}
