import { createMomentoCacheService, type MomentoCacheService } from '../momento-cache/cache-service.js';
import { MomentoLocalProvider, type CredentialProvider } from '@gomomento/sdk';
import type { Observable } from 'rxjs';
import { EmulatorEvents, type MomentoEmulatorEvent } from './emulator-events.js';
import type { EmulatorControls, EmulatorStats, RateLimitNextOptions, StreamEnding } from '../emulator-controls.js';
import { EmulatorGate, type MomentoFailNextOptions, type MomentoRpcName } from './emulator-gate.js';
import { createGrpcHost, type GrpcHost } from './grpc-host.js';
import { PubsubEmulation, type MomentoStreamSelector } from './pubsub-emulation.js';
import type { WireDiscontinuity } from './pubsub-wire.js';
import { status as GrpcStatus } from '@grpc/grpc-js';

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
 * How {@link MomentoEmulator.endStreams} ends a stream: a gRPC status, its details and optional trailers.
 *
 * @example
 * ```ts
 * emulator.endStreams({ code: status.RESOURCE_EXHAUSTED, trailers: { err: 'topic_subscriptions_limit_exceeded' } });
 * ```
 */
export interface MomentoStreamEndingOptions extends StreamEnding<GrpcStatus> {
  /** Trailing metadata, e.g. `{ err: 'topic_subscriptions_limit_exceeded' }`. @default none */
  trailers?: Record<string, string>;
}

/**
 * The counters of {@link MomentoEmulator.stats}: the shared ones (connections, open streams, stream requests,
 * calls) over both services on the port.
 *
 * @example
 * ```ts
 * expect(emulator.stats()).toMatchObject({ openStreams: 0, connections: 1 });
 * ```
 */
export type MomentoEmulatorStats = EmulatorStats;

/**
 * A running Momento emulator and its controls.
 *
 * @example
 * ```ts
 * emulator.endStreams({ code: status.UNAVAILABLE });                 // the SDK resubscribes and resumes
 * emulator.discontinuity('cache', 'topic', { skip: 3 });             // subscribers see a gap
 * const resume = emulator.stall(); resume();                         // hold, then release everything
 * await emulator.waitFor(() => emulator.stats().openStreams === 0);  // after unsubscribing
 * ```
 */
export interface MomentoEmulator extends EmulatorControls<MomentoRpcName, GrpcStatus, MomentoEmulatorStats> {
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
  /**
   * Ends the open Subscribe streams (of one cache or topic, if `selector` says so) with a gRPC status and
   * optional trailers; OK, the default, is a normal end of stream (the SDK resubscribes). Returns how many.
   */
  endStreams(ending?: MomentoStreamEndingOptions, selector?: MomentoStreamSelector): number;
  /** Destroys every TCP connection on the port (clients see UNAVAILABLE); returns how many there were. */
  dropConnections(): number;
  /**
   * Holds every response and stream message (heartbeats included), for every client, old and new, until the
   * returned function is called; then delivers them in order.
   */
  stall(): () => void;
  /** While on (`on` defaults to true), every call (Publish, Subscribe, cache RPCs) fails UNAUTHENTICATED, whatever its credential. */
  rejectCredentials(on?: boolean): void;
  /**
   * The next `count` calls (of `endpoint`, e.g. `'publish'` or `'subscribe'`, if given) fail with a status
   * before doing anything; INTERNAL by default.
   */
  failNext(count: number, options?: MomentoFailNextOptions): void;
  /**
   * The next `count` calls (of `endpoint`, if given) fail RESOURCE_EXHAUSTED with trailer
   * `err: operations_rate_limit_exceeded` (the SDK's `LIMIT_EXCEEDED_ERROR`, streamrx's `RateLimitError`).
   * The SDK reads no retry-after, so `retryAfterSeconds` travels as a `retry-after` trailer only.
   */
  rateLimitNext(count: number, options?: RateLimitNextOptions<MomentoRpcName>): void;
  /** Connections, open Subscribe streams, Subscribe calls and unary calls so far. */
  stats(): MomentoEmulatorStats;
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
  /**
   * The cache service (`cache_client.Scs`: Get, Set, SetIf, Delete) served on the same port, for the real
   * `CacheClient` (see `emulatorCacheClient`): its keys, TTLs, counters and failure controls.
   */
  readonly cache: MomentoCacheService;
  /** The open Subscribe streams, optionally of one cache or topic. */
  streams(selector?: MomentoStreamSelector): MomentoEmulatedStream[];
  /** Every Subscribe request accepted so far (refused ones appear as `refused` events), oldest first. */
  readonly subscribeRequests: readonly MomentoEmulatedStream[];
  /** What happens inside the emulator, as it happens. */
  readonly events$: Observable<MomentoEmulatorEvent>;
  /**
   * Resolves once `condition()` holds, checked now and after every emulator event (so a condition on what a
   * client received needs its own wait); rejects after `timeoutMs`.
   */
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
 * await emulator.waitFor(() => emulator.stats().openStreams === 1);
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
    endStreams: ({ code = GrpcStatus.OK, ...rest } = {}, selector) => pubsub.endStreams({ code, ...rest }, selector),
    dropConnections: () => host.dropConnections(),
    stall: () => gate.stall(),
    rejectCredentials: (on = true) => gate.rejectCredentials(on),
    failNext: (count, failNextOptions) => gate.failNext(count, failNextOptions),
    rateLimitNext: (count, rateLimitOptions) => gate.rateLimitNext(count, rateLimitOptions),
    stats: () => ({
      connections: host.connectionCount,
      openStreams: pubsub.openStreams().length,
      streamRequests: gate.streamRequests,
      calls: gate.calls,
    }),
    topic: (cacheName, topic) => pubsub.topicState(cacheName, topic),
    cache,
    streams: (selector) => pubsub.openStreams(selector).map((s) => describe({ streamId: s.id, ...s.request })),
    subscribeRequests,
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
