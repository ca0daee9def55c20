import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { credentials, Server, ServerCredentials, status as Status, type ChannelCredentials } from '@grpc/grpc-js';
import { filter, firstValueFrom, type Observable } from 'rxjs';
import type { Event } from '../../mixi2/protocol.js';
import { ApplicationServiceService as ApiServiceDefinition } from '../../mixi2/gen/social/mixi/application/service/application_api/v1/service.js';
import { apiServiceImplementation } from './api-service.js';
import type { Mixi2ApiMethod } from '../../mixi2/api.js';
import type { EmulatorControls, EmulatorStats, FailNextOptions, RateLimitNextOptions, StreamEnding } from '../emulator-controls.js';
import { everyMs, waitForCondition } from '../wait-for-condition.js';
import { registerEventValues } from './event-registration.js';
import type { RateRule } from '../../core/rate-rule.js';
import { Mixi2Gate, type RecordedMixi2Call } from './gate.js';
import { startHttpEndpoints } from './http-endpoints.js';
import { EmulatedMediaUploads } from './media-uploads.js';
import { exhausted, RpcRateLimiter } from './rpc-rate-limiter.js';
import { Mixi2Store, type Mixi2Registrable } from './store.js';
import { emulatedStreamDefinition, StreamHub } from './stream-hub.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { TokenIssuer } from './token-issuer.js';
import { WebhookSender, type WebhookFault } from './webhook-sender.js';

/**
 * Options of {@link startMixi2Emulator}.
 *
 * @example
 * ```ts
 * await startMixi2Emulator({ pingInterval: 50, tokenLifetime: 5, rateLimitPerMinute: 20 });
 * await startMixi2Emulator({ rateLimits: { InitiatePostMediaUpload: [{ limit: 20, window: 60_000 }, { limit: 200, window: 3_600_000 }] } });
 * ```
 */
export interface Mixi2EmulatorOptions {
  /** Idle time after which an open stream gets a Ping, in ms (mixi2: 20 s); `Infinity` never pings. @default 20000 */
  pingInterval?: number;
  /** Lifetime of issued access tokens, in seconds. @default 3600 */
  tokenLifetime?: number;
  /** The client id the token endpoint accepts. @default a random id */
  clientId?: string;
  /** The client secret the token endpoint accepts. @default a random secret */
  clientSecret?: string;
  /** Calls per minute of every API RPC before RESOURCE_EXHAUSTED (mixi2 documents 20). @default Infinity */
  rateLimitPerMinute?: number;
  /**
   * Limits of single API RPCs, replacing `rateLimitPerMinute` for them: fixed windows that reset at the
   * time the answers announce. Every answer of a limited RPC carries `ratelimit-limit`,
   * `ratelimit-remaining` and `ratelimit-reset` (Unix seconds) as response headers; a call over a limit
   * gets RESOURCE_EXHAUSTED with `retry-after` (seconds). `[]` leaves an RPC unlimited.
   * @default every RPC as `rateLimitPerMinute`
   */
  rateLimits?: Partial<Record<Capitalize<Mixi2ApiMethod>, readonly RateRule[]>>;
  /**
   * The emulator's clock in ms since the epoch, for rate-limit windows, `ratelimit-reset` and upload-URL
   * expiry (200 s image, 600 s video). Give a virtual-time test's `() => scheduler.now()` so that the
   * windows pass without waiting. Token lifetimes stay on the real clock.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Serve the stream through a TCP relay so that {@link Mixi2Emulator.dropConnections} can cut connections;
   * `false` serves it directly (less CPU, for benchmarks) and makes `dropConnections` end streams with UNAVAILABLE.
   * @default true
   */
  relay?: boolean;
}

/**
 * The RPC names `failNext` and `rateLimitNext` can target: the API's unary RPCs and the stream's `SubscribeEvents`.
 *
 * @example
 * ```ts
 * emulator.failNext(1, { endpoint: 'CreatePost' satisfies Mixi2RpcName });
 * ```
 */
export type Mixi2RpcName = Capitalize<Mixi2ApiMethod> | 'SubscribeEvents';

/**
 * Which credentials {@link Mixi2Emulator.rejectCredentials} refuses, when not all.
 *
 * @example
 * ```ts
 * emulator.rejectCredentials(true, { only: 'tokens' }); // tokens are issued, then refused: the client refreshes once
 * ```
 */
export interface Mixi2CredentialRejection {
  /** `'client'`: only the token endpoint refuses (401 invalid_client); `'tokens'`: only bearer tokens are refused. @default both */
  only?: 'client' | 'tokens';
}

/**
 * The counters of {@link Mixi2Emulator.stats}: the shared ones, and mixi2's own.
 *
 * @example
 * ```ts
 * expect(emulator.stats()).toMatchObject({ openStreams: 1, tokenRequests: 1 });
 * ```
 */
export interface Mixi2EmulatorStats extends EmulatorStats {
  /** Token requests received (successful or not). */
  tokenRequests: number;
  /** Ping messages written to streams so far. */
  pingsSent: number;
  /** API calls held by {@link Mixi2Emulator.holdApiCalls} that the client cancelled. */
  cancelledCalls: number;
  /** Media uploads received in full on an upload URL. */
  mediaUploads: number;
  /** Media uploads the client aborted before the end of the body. */
  abortedUploads: number;
}

/**
 * A running mixi2 emulator. Every address is on 127.0.0.1 with a random port.
 *
 * @example
 * ```ts
 * const emulator: Mixi2Emulator = await startMixi2Emulator();
 * emulator.dropConnections();
 * await emulator.close();
 * ```
 */
export interface Mixi2Emulator extends EmulatorControls<Mixi2RpcName, Status, Mixi2EmulatorStats> {
  /** gRPC target of the event stream (plaintext), through a relay that {@link Mixi2Emulator.dropConnections} can cut. */
  readonly streamAddress: string;
  /** gRPC target of the API (plaintext). */
  readonly apiAddress: string;
  /** The token endpoint URL. */
  readonly tokenUrl: string;
  /** The client id the token endpoint accepts. */
  readonly clientId: string;
  /** The client secret the token endpoint accepts. */
  readonly clientSecret: string;
  /** Base64 raw Ed25519 public key matching the emulator's webhook signatures. */
  readonly webhookPublicKey: string;
  /** Plaintext channel credentials for a client of this emulator. */
  readonly credentials: ChannelCredentials;
  /** The world behind the API, to seed and inspect. */
  readonly store: Mixi2Store;
  /** Every API call received, in order. */
  readonly calls: readonly RecordedMixi2Call[];
  /** The number of open event streams, replaying the current value. */
  readonly openStreams$: Observable<number>;
  /** Resolves once at least `count` event streams are open (`count` 0: once none is). */
  waitForStreams(count: number): Promise<void>;
  /**
   * Sends one stream message carrying all `events` to every open stream (held on stalled ones), and registers
   * the posts, users, communities and chat messages they carry with {@link Mixi2Emulator.store} (so the API
   * finds a pushed post, e.g. as a reply target). Returns how many streams got it now.
   */
  push(events: Event | readonly Event[]): number;
  /** Makes builder values (`buildMixi2Post`, `buildMixi2User`, …) known to the API; see {@link Mixi2Store.register}. */
  register(...values: readonly Mixi2Registrable[]): void;
  /** Writes pre-encoded stream messages to every open stream with flow control (benchmarks). */
  flood(messages: readonly Buffer[]): Promise<void>;
  /** Sends a Ping to every open stream now. */
  ping(): void;
  /**
   * Cuts every TCP connection to the stream relay (an abrupt network drop; the client sees UNAVAILABLE and
   * reconnects); without the relay, ends every stream with UNAVAILABLE. API connections are not cut.
   * Returns how many connections (streams, without the relay) were cut.
   */
  dropConnections(): number;
  /** Ends every open event stream with a gRPC status; OK, the default, is a clean end. Returns how many. */
  endStreams(ending?: StreamEnding<Status>): number;
  /**
   * Keeps the currently open streams' connections but sends them nothing (events are held, no pings), so a
   * client's watchdog notices; streams opened later are served normally. The returned function writes the
   * held events and lets the streams speak again.
   */
  stall(): () => void;
  /**
   * While on (`on` defaults to true), credentials are refused everywhere: the token endpoint answers 401
   * invalid_client and the stream and API answer UNAUTHENTICATED to every bearer token, even fresh ones.
   * `only` narrows it to one of the two.
   */
  rejectCredentials(on?: boolean, options?: Mixi2CredentialRejection): void;
  /** Answers the next `count` token requests with 503. */
  failTokenRequests(count: number): void;
  /** Invalidates every issued token; open streams end with UNAUTHENTICATED, as on expiry. */
  expireTokens(): void;
  /** While on, every stream and API call fails with PERMISSION_DENIED. */
  denyPermission(on?: boolean): void;
  /**
   * Answers the next `count` calls (API calls and `SubscribeEvents`; of one RPC, e.g. `'CreatePost'`, if
   * `endpoint` says so) with a gRPC status, INTERNAL by default.
   */
  failNext(count: number, options?: FailNextOptions<Mixi2RpcName, Status>): void;
  /** Answers the next `count` API calls (of one RPC, if given) with RESOURCE_EXHAUSTED and `retry-after`. */
  rateLimitNext(count: number, options?: RateLimitNextOptions<Mixi2RpcName>): void;
  /** While on, API calls are recorded but never answered (to test cancellation). */
  holdApiCalls(on?: boolean): void;
  /** The processing of the next `count` uploaded media ends in STATUS_FAILED. */
  failMediaProcessing(count?: number): void;
  /**
   * From now on, uploaded media answer `polls` polls of GetPostMediaStatus with STATUS_PROCESSING before
   * their result (default 1 poll).
   */
  slowMediaProcessing(polls: number): void;
  /** The next `count` upload URLs are issued already expired: a POST to them gets 403 `upload_url_expired`. */
  expireUploadUrls(count?: number): void;
  /** Connections, streams, calls, token requests, pings, cancelled calls and uploads so far. */
  stats(): Mixi2EmulatorStats;
  /** Resolves once `condition()` holds (checked now and every few ms); rejects after `timeoutMs` (default 5000). */
  waitFor(condition: () => boolean, description?: string, timeoutMs?: number): Promise<void>;
  /** Signs and POSTs `events` to a webhook URL as mixi2 does, optionally spoiled; resolves with the HTTP status. */
  sendWebhook(url: string, events: Event | readonly Event[], fault?: WebhookFault): Promise<number>;
  /** Sends the previous webhook delivery again, byte for byte. */
  replayWebhook(): Promise<number>;
  /** Stops every server and drops every connection. */
  close(): Promise<void>;
}

/**
 * Starts an in-process mixi2 emulator on 127.0.0.1: the stream and API gRPC services (plaintext), a token
 * endpoint issuing expiring tokens to a generated client id/secret, a media upload endpoint, and a webhook
 * sender signing with its own Ed25519 key. Bad input gets the answers the real service gives
 * (UNAUTHENTICATED, INVALID_ARGUMENT, 401 invalid_client, UNIMPLEMENTED, …).
 *
 * @example
 * ```ts
 * const emulator = await startMixi2Emulator();
 * const client = mixi2Client({
 *   auth: clientCredentials({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tokenUrl: emulator.tokenUrl }),
 *   streamAddress: emulator.streamAddress, apiAddress: emulator.apiAddress, credentials: emulator.credentials,
 * });
 * client.events().subscribe(console.log);
 * await emulator.waitForStreams(1);
 * emulator.push(buildPostCreatedEvent({ text: '@bot hi' }));
 * ```
 */
export async function startMixi2Emulator(options: Mixi2EmulatorOptions = {}): Promise<Mixi2Emulator> {
  const issuer = new TokenIssuer(
    options.clientId ?? `client-${randomBytes(6).toString('hex')}`,
    options.clientSecret ?? randomBytes(24).toString('base64url'),
    options.tokenLifetime ?? 3600,
  );
  const store = new Mixi2Store();
  const now = options.now ?? Date.now;
  const gate = new Mixi2Gate(issuer, new RpcRateLimiter(rateRulesOf(options), now));
  const uploads = new EmulatedMediaUploads(store, issuer, now);
  const hub = new StreamHub(gate, options.pingInterval ?? 20_000);
  const sender = new WebhookSender();
  const http = await startHttpEndpoints(issuer, uploads);
  const httpBase = `http://127.0.0.1:${http.port}`;

  const streamServer = new Server();
  streamServer.addService(emulatedStreamDefinition, { subscribeEvents: hub.handle });
  const apiServer = new Server();
  apiServer.addService(ApiServiceDefinition, apiServiceImplementation(ApiServiceDefinition, gate, store, uploads, httpBase));
  const [streamPort, apiPort] = await Promise.all([bind(streamServer), bind(apiServer)]);
  const proxy: TcpProxy | undefined = options.relay === false ? undefined : await startTcpProxy(streamPort);

  return {
    streamAddress: `127.0.0.1:${proxy?.port ?? streamPort}`,
    apiAddress: `127.0.0.1:${apiPort}`,
    tokenUrl: `${httpBase}/oauth2/token`,
    clientId: issuer.clientId,
    clientSecret: issuer.clientSecret,
    webhookPublicKey: sender.publicKey,
    credentials: credentials.createInsecure(),
    store,
    calls: gate.calls,
    openStreams$: hub.openStreams$.asObservable(),
    waitForStreams: async (count) => {
      await firstValueFrom(hub.openStreams$.pipe(filter((n) => (count === 0 ? n === 0 : n >= count))));
    },
    push: (events) => {
      const list = Array.isArray(events) ? events : [events as Event];
      for (const event of list) registerEventValues(store, event);
      return hub.push(list);
    },
    register: (...values) => store.register(...values),
    flood: (messages) => hub.flood(messages),
    ping: () => hub.ping(),
    dropConnections: () => (proxy ? proxy.dropAll() : hub.endAll(Status.UNAVAILABLE, 'connection dropped')),
    endStreams: ({ code = Status.OK, details } = {}) => hub.endAll(code, details),
    stall: () => hub.stall(),
    rejectCredentials: (on = true, { only } = {}) => {
      issuer.rejectClient = on && only !== 'tokens';
      gate.rejectTokens = on && only !== 'client';
    },
    failTokenRequests: (count) => {
      issuer.failuresPending = count;
    },
    expireTokens: () => {
      issuer.expireAll();
      hub.endUnauthorized((token) => issuer.isValid(token));
    },
    denyPermission: (on = true) => {
      gate.denyPermission = on;
    },
    failNext: (count, { endpoint, code = Status.INTERNAL, details = 'emulated failure' } = {}) => gate.failures.add(count, endpoint, () => ({ code, details })),
    rateLimitNext: (count, { endpoint, retryAfterSeconds = 1 } = {}) => gate.rateLimits.add(count, endpoint, () => exhausted(retryAfterSeconds)),
    holdApiCalls: (on = true) => {
      gate.holdCalls = on;
    },
    failMediaProcessing: (count = 1) => {
      uploads.failuresPending += count;
    },
    slowMediaProcessing: (polls) => {
      uploads.processingPolls = polls;
    },
    expireUploadUrls: (count = 1) => {
      uploads.expiredUrlsPending += count;
    },
    stats: () => ({
      connections: proxy?.connections ?? 0,
      openStreams: hub.openStreams$.value,
      streamRequests: hub.subscribeCalls,
      calls: gate.calls.length,
      tokenRequests: issuer.requests,
      pingsSent: hub.pingsSent,
      cancelledCalls: gate.cancelledCalls,
      mediaUploads: uploads.received,
      abortedUploads: uploads.aborted,
    }),
    waitFor: (condition, description = 'a condition', timeoutMs = 5000) =>
      waitForCondition(condition, { changes: everyMs(5), description, timeoutMs, emulator: 'mixi2' }),
    sendWebhook: (url, events, fault) => sender.send(url, Array.isArray(events) ? events : [events as Event], fault),
    replayWebhook: () => sender.replay(),
    close: async () => {
      hub.endAll(Status.UNAVAILABLE, 'emulator shutting down');
      streamServer.forceShutdown();
      apiServer.forceShutdown();
      await proxy?.close();
      await closeHttp(http.server);
    },
  };
}

function rateRulesOf(options: Mixi2EmulatorOptions): (rpc: string) => readonly RateRule[] {
  const perMinute = options.rateLimitPerMinute ?? Infinity;
  const everyRpc: readonly RateRule[] = perMinute === Infinity ? [] : [{ limit: perMinute, window: 60_000 }];
  const perRpc: Partial<Record<string, readonly RateRule[]>> = options.rateLimits ?? {};
  return (rpc) => perRpc[rpc] ?? everyRpc;
}

function bind(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });
}

function closeHttp(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
