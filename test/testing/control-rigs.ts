import { firstValueFrom, of, type Subscription } from 'rxjs';
import { clientCredentials, isPostCreated, mixi2Client } from '../../src/mixi2/index.js';
import { misskey } from '../../src/misskey/index.js';
import { publishTo, topicItems } from '../../src/momento/index.js';
import {
  buildPostCreatedEvent,
  emulatorTopicClient,
  startMisskeyEmulator,
  startMixi2Emulator,
  startMomentoEmulator,
  type EmulatorControls,
} from '../../src/testing/index.js';

/** Small reconnect delays instead of sleeping. */
const quickReconnect = { initialDelay: 5, multiplier: 2, maxDelay: 20, maxRetries: 5 } as const;

/**
 * One emulator with streamrx's own client on it over real sockets, seen the same way for all three
 * services: one API call, one stream of text markers, and a way to make the emulator send a marker.
 */
export interface ControlRig {
  readonly emulator: EmulatorControls;
  /** The endpoint or RPC name `call()` uses, for the `endpoint` option of failNext/rateLimitNext. */
  readonly endpoint: string;
  /** The `retryAfterMs` a RateLimitError carries after `rateLimitNext(1, { retryAfterSeconds: 2 })` (Momento's SDK reads none). */
  readonly retryAfterMs: number | undefined;
  /** One API call through the client. */
  call(): Promise<unknown>;
  /** Subscribes to the client's stream; markers and errors are collected below. */
  openStream(): void;
  /** Whether the client's stream is open and subscribed, so that a marker sent now reaches it. */
  streamReady(): boolean;
  /** Makes the emulator send `marker` on the stream. */
  send(marker: string): void;
  readonly received: string[];
  readonly errors: unknown[];
  /** Unsubscribes and stops the emulator. */
  close(): Promise<void>;
}

/** Collects what a stream delivers; `stop` unsubscribes. */
class StreamLog {
  readonly received: string[] = [];
  readonly errors: unknown[] = [];
  private subscription: Subscription | undefined;

  follow(subscribe: (next: (marker: string) => void, error: (e: unknown) => void) => Subscription): void {
    this.subscription = subscribe(
      (marker) => this.received.push(marker),
      (e) => this.errors.push(e),
    );
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  /** A rig's markers and errors from this log, and its `close`: unsubscribe, then `stopEmulator`. */
  rigParts(stopEmulator: () => Promise<void>): Pick<ControlRig, 'received' | 'errors' | 'close'> {
    return {
      received: this.received,
      errors: this.errors,
      close: async () => {
        this.stop();
        await stopEmulator();
      },
    };
  }
}

export async function mixi2Rig(): Promise<ControlRig> {
  const emulator = await startMixi2Emulator({ pingInterval: Infinity });
  const client = mixi2Client({
    auth: clientCredentials({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tokenUrl: emulator.tokenUrl, retry: { initialDelay: 5, maxRetries: 1 } }),
    streamAddress: emulator.streamAddress,
    apiAddress: emulator.apiAddress,
    credentials: emulator.credentials,
    apiLinger: 0,
    // The controls are under test, not the governor: no pacing, no retry of RESOURCE_EXHAUSTED, no hold.
    rateLimits: false,
  });
  const log = new StreamLog();
  return {
    emulator,
    endpoint: 'GetUsers',
    retryAfterMs: 2000,
    call: () => firstValueFrom(client.api.getUsers({ userIdList: ['user-alice'] })),
    openStream: () =>
      log.follow((next, error) =>
        client.events({ reconnect: quickReconnect }).subscribe({ next: (e) => (isPostCreated(e) ? next(e.body.value.post?.text ?? '') : undefined), error }),
      ),
    streamReady: () => emulator.stats().openStreams === 1,
    send: (marker) => void emulator.push(buildPostCreatedEvent({ text: marker })),
    ...log.rigParts(() => emulator.close()),
  };
}

export async function misskeyRig(): Promise<ControlRig> {
  const emulator = await startMisskeyEmulator();
  const client = misskey({
    origin: emulator.origin,
    token: emulator.users['admin']?.token,
    reconnect: { ...quickReconnect, jitter: 0 },
    closeDelay: 0,
    http: { retry: { maxRetries: 0 } },
  });
  const log = new StreamLog();
  return {
    emulator,
    endpoint: 'i',
    retryAfterMs: 2000,
    call: () => firstValueFrom(client.api('i')),
    openStream: () => log.follow((next, error) => client.channel('localTimeline').subscribe({ next: (m) => next(m.body.text ?? ''), error })),
    streamReady: () => emulator.stats().channels === 1,
    send: (marker) => void emulator.createNote('alice', { text: marker }),
    ...log.rigParts(() => emulator.close()),
  };
}

export async function momentoRig(): Promise<ControlRig> {
  const emulator = await startMomentoEmulator({ heartbeatIntervalMs: 0 });
  const client = emulatorTopicClient(emulator, { resubscribeDelayMs: 5 });
  const log = new StreamLog();
  return {
    emulator,
    endpoint: 'publish',
    retryAfterMs: undefined,
    call: () => firstValueFrom(of('call').pipe(publishTo(client, 'cache', 'calls'))),
    openStream: () =>
      log.follow((next, error) => topicItems(client, 'cache', 'topic', { retry: quickReconnect }).subscribe({ next: (item) => next(String(item.value)), error })),
    streamReady: () => emulator.stats().openStreams === 1,
    send: (marker) => void emulator.publish('cache', 'topic', marker),
    ...log.rigParts(async () => {
      await emulator.waitFor(() => emulator.stats().openStreams === 0, 'the subscription to be cancelled');
      await emulator.close();
    }),
  };
}
