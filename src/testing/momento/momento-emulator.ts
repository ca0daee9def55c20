import { createMomentoCacheService, type MomentoCacheService } from '../momento-cache/cache-service.js';
import { MomentoLocalProvider, type CredentialProvider } from '@gomomento/sdk';
import type { Observable } from 'rxjs';
import { EmulatorEvents, type MomentoEmulatorEvent } from './emulator-events.js';
import { EmulatorGate, type MomentoScriptedFailure } from './emulator-gate.js';
import { createGrpcHost, type GrpcHost } from './grpc-host.js';
import { PubsubEmulation, type MomentoStreamSelector } from './pubsub-emulation.js';
import type { WireDiscontinuity } from './pubsub-wire.js';
import type { MomentoStreamEnding } from './subscriber-stream.js';

/**
 * Options of {@link startMomentoEmulator}. Every field is optional.
 *
 * @example
 * ```ts
 * await startMomentoEmulator({ heartbeatIntervalMs: 100, retainedItems: 10, caches: ['cache'], apiKey: 'test-key' });
 * ```
 */
export interface MomentoEmulatorOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** Period of the heartbeats sent on every open stream; 0 sends only the first one. @default 1000 */
  heartbeatIntervalMs?: number;
  /** Items kept per topic for resuming subscribers; older ones are answered with a discontinuity. @default 1000 */
  retainedItems?: number;
  /** Largest accepted value, in bytes (UTF-8 for text); larger publishes fail INVALID_ARGUMENT. @default 4096 */
  maxValueBytes?: number;
  /** Sequence page every topic starts on. @default 1 */
  initialSequencePage?: number;
  /** `publisher_id` stamped on items published by clients (the service puts the token id there). @default '' */
  publisherId?: string;
  /**
   * The `authorization` header every call must carry; any other value fails UNAUTHENTICATED. When absent,
   * every credential (including the empty one of `MomentoLocalProvider`) is accepted.
   * @default undefined
   */
  apiKey?: string;
  /** Caches that exist; calls naming another fail NOT_FOUND. When absent, every cache exists. @default undefined */
  caches?: readonly string[];
  /** Default limit of {@link MomentoEmulator.waitFor}, in milliseconds. @default 5000 */
  waitTimeoutMs?: number;
}

/**
 * An open Subscribe stream as the emulator sees it.
 *
 * @example
 * ```ts
 * expect(emulator.streams({ topic: 'orders' })[0]?.resumeAtSequenceNumber).toBe(4);
 * ```
 */
export interface MomentoEmulatedStream {
  /** The emulator's id of the stream (the `streamId` of its `subscribe` and `stream-closed` events). */
  id: number;
  /** The cache the stream subscribed to. */
  cacheName: string;
  /** The topic the stream subscribed to. */
  topic: string;
  /** The `resume_at_topic_sequence_number` the client sent. */
  resumeAtSequenceNumber: number;
  /** The `sequence_page` the client sent. */
  sequencePage: number;
}

/**
 * A running Momento emulator and its controls.
 *
 * @example
 * ```ts
 * emulator.endStreams({ code: status.UNAVAILABLE });          // the SDK resubscribes and resumes
 * emulator.discontinuity('cache', 'topic', { skip: 3 });      // subscribers see a gap
 * const resume = emulator.stall(); resume();                  // hold, then release everything
 * await emulator.waitFor(() => emulator.openStreams === 0);   // after unsubscribing
 * ```
 */
export interface MomentoEmulator {
  /** The bound TCP port. */
  readonly port: number;
  /** `127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** A `MomentoLocalProvider` pointing at this emulator (plaintext, empty credential). */
  credentialProvider(): CredentialProvider;
  /** Publishes `value` on a topic as a client would; returns its sequence number. */
  publish(cacheName: string, topic: string, value: string | Uint8Array, options?: { publisherId?: string }): number;
  /**
   * Sends a discontinuity to the topic's subscribers: `skip` sequence numbers are lost (default 1), or with
   * `resetPage` the topic starts a new sequence page and numbering restarts.
   */
  discontinuity(cacheName: string, topic: string, options?: { skip?: number; resetPage?: boolean }): WireDiscontinuity;
  /** Sends a heartbeat on every open stream now. */
  heartbeat(): void;
  /** Ends the selected open streams with a gRPC status (OK = a normal end); returns how many. */
  endStreams(ending: MomentoStreamEnding, selector?: MomentoStreamSelector): number;
  /** Destroys every TCP connection (clients see UNAVAILABLE); returns how many there were. */
  dropConnections(): number;
  /** Holds every response and stream message (heartbeats included) until the returned function is called. */
  stall(): () => void;
  /** Makes every call fail UNAUTHENTICATED until called with `false`. */
  rejectCredentials(reject?: boolean): void;
  /** The next `count` calls of an RPC fail with the given status before doing anything. */
  failNext(failure: MomentoScriptedFailure): void;
  /** Sequence state of a topic. */
  topic(
    cacheName: string,
    topic: string,
  ): {
    /** The topic's last sequence number (0: nothing published yet). */
    lastSequenceNumber: number;
    /** The topic's current sequence page. */
    sequencePage: number;
  };
  /** Number of open Subscribe streams. */
  readonly openStreams: number;
  /**
   * The cache service (`cache_client.Scs`: Get, Set, SetIf, Delete) served on the same port, for the real
   * `CacheClient` (see `emulatorCacheClient`): its keys, TTLs, counters and failure controls.
   */
  readonly cache: MomentoCacheService;
  /** The open Subscribe streams, optionally of one cache or topic. */
  streams(selector?: MomentoStreamSelector): MomentoEmulatedStream[];
  /** Every Subscribe request accepted so far (refused ones appear as `refused` events), oldest first. */
  readonly subscribeRequests: readonly MomentoEmulatedStream[];
  /** Number of open TCP connections. */
  readonly connections: number;
  /** What happens inside the emulator, as it happens. */
  readonly events$: Observable<MomentoEmulatorEvent>;
  /** Resolves once `condition()` holds (checked now and after every emulator event). */
  waitFor(condition: () => boolean, description?: string, timeoutMs?: number): Promise<void>;
  /** Cuts every connection and stops listening. Idempotent. */
  close(): Promise<void>;
}

/** One emulated gRPC service sharing the emulator's port, gate and events. */
interface EmulatedService {
  install(host: GrpcHost): void;
  closeAll(): void;
}

/**
 * Starts a Momento emulator on 127.0.0.1: the `cache_client.pubsub.Pubsub` gRPC service (Publish,
 * Subscribe) that the real `TopicClient` of `@gomomento/sdk` reaches through `MomentoLocalProvider`. Topics
 * number their items per topic on a sequence page, every Subscribe gets a heartbeat first and then one
 * every `heartbeatIntervalMs`, and a resubscribe resumes at the requested sequence number from a bounded
 * buffer (with a discontinuity when the buffer no longer holds it). Controls inject the faults a real
 * service and network produce.
 *
 * @example
 * ```ts
 * const emulator = await startMomentoEmulator();
 * const client = new TopicClient({
 *   credentialProvider: emulator.credentialProvider(),
 *   configuration: TopicConfigurations.Default.latest(new NoopMomentoLoggerFactory()),
 * });
 * topicItems(client, 'cache', 'topic').subscribe((item) => console.log(item.value));
 * await emulator.waitFor(() => emulator.openStreams === 1);
 * emulator.publish('cache', 'topic', 'hello');
 * ```
 */
export async function startMomentoEmulator(options: MomentoEmulatorOptions = {}): Promise<MomentoEmulator> {
  const events = new EmulatorEvents();
  const gate = new EmulatorGate(options.apiKey, options.caches ? new Set(options.caches) : undefined);
  const host = createGrpcHost((open) => events.emit({ type: 'connection', open }));
  const pubsub = new PubsubEmulation(
    {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
      retainedItems: options.retainedItems ?? 1000,
      maxValueBytes: options.maxValueBytes ?? 4096,
      initialSequencePage: options.initialSequencePage ?? 1,
      publisherId: options.publisherId ?? '',
    },
    gate,
    events,
  );
  // The cache's `cache_client.Scs` shares the port and the gate (credentials, scripted failures, known caches).
  const cache = createMomentoCacheService({ refuse: (rpc, metadata, cacheName) => gate.refusal(rpc, metadata, cacheName) });
  const services: EmulatedService[] = [pubsub, cache];
  for (const service of services) service.install(host);
  const port = await host.listen(options.port ?? 0);
  const subscribeRequests: MomentoEmulatedStream[] = [];
  events.events$.subscribe((event) => {
    if (event.type === 'subscribe') subscribeRequests.push(describe(event));
  });
  const waitTimeoutMs = options.waitTimeoutMs ?? 5000;

  return {
    port,
    endpoint: `127.0.0.1:${port}`,
    credentialProvider: () => new MomentoLocalProvider({ hostname: '127.0.0.1', port }),
    publish: (cacheName, topic, value, publishOptions) => pubsub.publish(cacheName, topic, value, publishOptions?.publisherId),
    discontinuity: (cacheName, topic, { skip = 1, resetPage = false } = {}) =>
      resetPage ? pubsub.resetTopic(cacheName, topic) : pubsub.skip(cacheName, topic, skip),
    heartbeat: () => pubsub.heartbeat(),
    endStreams: (ending, selector) => pubsub.endStreams(ending, selector),
    dropConnections: () => host.dropConnections(),
    stall: () => gate.stall(),
    rejectCredentials: (reject = true) => gate.rejectCredentials(reject),
    failNext: (failure) => gate.failNext(failure),
    topic: (cacheName, topic) => pubsub.topicState(cacheName, topic),
    get openStreams() {
      return pubsub.openStreams().length;
    },
    cache,
    streams: (selector) => pubsub.openStreams(selector).map((s) => describe({ streamId: s.id, ...s.request })),
    subscribeRequests,
    get connections() {
      return host.connectionCount;
    },
    events$: events.events$,
    waitFor: (condition, description = 'a condition', timeoutMs = waitTimeoutMs) =>
      events.waitFor(condition, description, timeoutMs),
    close: async () => {
      for (const service of services) service.closeAll();
      await host.close();
    },
  };
}

function describe(source: Omit<MomentoEmulatedStream, 'id'> & { streamId: number }): MomentoEmulatedStream {
  const { streamId, cacheName, topic, resumeAtSequenceNumber, sequencePage } = source;
  return { id: streamId, cacheName, topic, resumeAtSequenceNumber, sequencePage };
}
