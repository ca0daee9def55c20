import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { credentials, Server, ServerCredentials, status as Status, type ChannelCredentials } from '@grpc/grpc-js';
import { filter, firstValueFrom, type Observable } from 'rxjs';
import type { Event } from '../../mixi2/protocol.js';
import { ApplicationServiceService as ApiServiceDefinition } from '../../mixi2/gen/social/mixi/application/service/application_api/v1/service.js';
import { apiServiceImplementation } from './api-service.js';
import { Mixi2Gate, type RecordedMixi2Call } from './gate.js';
import { startHttpEndpoints } from './http-endpoints.js';
import { Mixi2Store } from './store.js';
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
  /** Calls per RPC per minute before RESOURCE_EXHAUSTED (mixi2 documents 20). @default Infinity */
  rateLimitPerMinute?: number;
  /**
   * Serve the stream through a TCP relay so that {@link Mixi2Emulator.dropConnections} can cut connections;
   * `false` serves it directly (less CPU, for benchmarks) and makes `dropConnections` end streams with UNAVAILABLE.
   * @default true
   */
  relay?: boolean;
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
export interface Mixi2Emulator {
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
  /** Number of token requests received. */
  readonly tokenRequests: number;
  /** Number of `SubscribeEvents` calls received. */
  readonly subscribeCalls: number;
  /** Number of Ping messages written to streams so far. */
  readonly pingsSent: number;
  /** Number of currently open event streams. */
  readonly openStreams: number;
  /** TCP connections currently open to the stream address (through the relay; 0 without it). */
  readonly streamConnections: number;
  /** The number of open event streams, replaying the current value. */
  readonly openStreams$: Observable<number>;
  /** Resolves once at least `count` event streams are open (`count` 0: once none is). */
  waitForStreams(count: number): Promise<void>;
  /** Sends one stream message carrying all `events` to every open stream; returns how many streams got it. */
  push(events: Event | readonly Event[]): number;
  /** Writes pre-encoded stream messages to every open stream with flow control (benchmarks). */
  flood(messages: readonly Buffer[]): Promise<void>;
  /** Sends a Ping to every open stream now. */
  ping(): void;
  /** Cuts every TCP connection to the stream relay (an abrupt network drop). */
  dropConnections(): void;
  /** Ends every open stream with a status; `OK` is a clean end. */
  endStreams(code?: Status, details?: string): void;
  /** Keeps the currently open streams' connections but sends them nothing more (not even pings). */
  stall(): void;
  /** While on, the token endpoint answers 401 invalid_client. */
  rejectClient(on?: boolean): void;
  /** Answers the next `count` token requests with 503. */
  failTokenRequests(count: number): void;
  /** While on, the stream and the API refuse every bearer token with UNAUTHENTICATED, even freshly issued ones. */
  refuseTokens(on?: boolean): void;
  /** Invalidates every issued token; open streams end with UNAUTHENTICATED, as on expiry. */
  expireTokens(): void;
  /** While on, every stream and API call fails with PERMISSION_DENIED. */
  denyPermission(on?: boolean): void;
  /** Answers the next `calls` API calls with RESOURCE_EXHAUSTED and `retry-after`. */
  rateLimit(calls: number, retryAfterSeconds?: number): void;
  /** While on, API calls are recorded but never answered (to test cancellation). */
  holdApiCalls(on?: boolean): void;
  /** Number of held API calls the client cancelled. */
  readonly cancelledApiCalls: number;
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
  const gate = new Mixi2Gate(issuer, options.rateLimitPerMinute ?? Infinity);
  const hub = new StreamHub(gate, options.pingInterval ?? 20_000);
  const sender = new WebhookSender();
  const http = await startHttpEndpoints(issuer, store);
  const httpBase = `http://127.0.0.1:${http.port}`;

  const streamServer = new Server();
  streamServer.addService(emulatedStreamDefinition, { subscribeEvents: hub.handle });
  const apiServer = new Server();
  apiServer.addService(ApiServiceDefinition, apiServiceImplementation(ApiServiceDefinition, gate, store, httpBase));
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
    get tokenRequests() {
      return issuer.requests;
    },
    get subscribeCalls() {
      return hub.subscribeCalls;
    },
    get pingsSent() {
      return hub.pingsSent;
    },
    get streamConnections() {
      return proxy?.connections ?? 0;
    },
    get openStreams() {
      return hub.openStreams$.value;
    },
    openStreams$: hub.openStreams$.asObservable(),
    waitForStreams: async (count) => {
      await firstValueFrom(hub.openStreams$.pipe(filter((n) => (count === 0 ? n === 0 : n >= count))));
    },
    push: (events) => hub.push(Array.isArray(events) ? events : [events as Event]),
    flood: (messages) => hub.flood(messages),
    ping: () => hub.ping(),
    dropConnections: () => (proxy ? proxy.dropAll() : hub.endAll(Status.UNAVAILABLE, 'connection dropped')),
    endStreams: (code = Status.OK, details) => hub.endAll(code, details),
    stall: () => hub.stall(),
    rejectClient: (on = true) => {
      issuer.rejectClient = on;
    },
    failTokenRequests: (count) => {
      issuer.failuresPending = count;
    },
    refuseTokens: (on = true) => {
      gate.refuseTokens = on;
    },
    expireTokens: () => {
      issuer.expireAll();
      hub.endUnauthorized((token) => issuer.isValid(token));
    },
    denyPermission: (on = true) => {
      gate.denyPermission = on;
    },
    rateLimit: (calls, retryAfterSeconds = 1) => {
      gate.rateLimitedCalls = calls;
      gate.retryAfterSeconds = retryAfterSeconds;
    },
    holdApiCalls: (on = true) => {
      gate.holdCalls = on;
    },
    get cancelledApiCalls() {
      return gate.cancelledCalls;
    },
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
