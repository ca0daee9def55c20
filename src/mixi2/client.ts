import { credentials as grpcCredentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { BehaviorSubject, distinctUntilChanged, Observable, Subject } from 'rxjs';
import type { ConnectionState } from '../core/connection-state.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { RateGovernor } from '../core/rate-governor.js';
import { createApi, type Mixi2Api } from './api.js';
import type { Mixi2Auth } from './auth.js';
import { mixi2Endpoints } from './endpoints.js';
import { eventStream, type Mixi2EventsOptions } from './event-stream.js';
import type { Mixi2Gap } from './gap.js';
import type { Event } from './gen/social/mixi/application/model/v1/event.js';
import { ApplicationServiceClient as StreamServiceClient } from './gen/social/mixi/application/service/application_stream/v1/service.js';
import { lentClient } from './lent-client.js';
import type { Mixi2Media } from './media-input.js';
import type { CreatePostRequest, CreatePostResponse, SendChatMessageRequest, SendChatMessageResponse } from './protocol.js';
import type { DeepPartial } from './deep-partial.js';
import { rpcGovernance, type Mixi2RateLimitOptions, type RpcGovernanceHooks } from './rpc-governor.js';
import { postWithMedia, sendChatMessageWithMedia } from './send-with-media.js';
import { uploadMedia, type Mixi2UploadEvent, type Mixi2UploadOptions } from './upload-media.js';
import { connectionReporter } from '../telemetry/connection-reporter.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { timedCall } from '../telemetry/timed-call.js';

/**
 * Options of {@link mixi2Client}.
 *
 * @example
 * ```ts
 * const options: Mixi2ClientOptions = { auth, streamAddress: 'localhost:50051', credentials: credentials.createInsecure() };
 * ```
 */
export interface Mixi2ClientOptions {
  /** Token source, usually {@link clientCredentials}. */
  auth: Mixi2Auth;
  /** gRPC target of the event stream. @default 'application-stream.mixi.social:443' */
  streamAddress?: string;
  /** gRPC target of the API. @default 'application-api.mixi.social:443' */
  apiAddress?: string;
  /**
   * Channel credentials. TLS unless told otherwise; pass `credentials.createInsecure()` from
   * @grpc/grpc-js only for a local emulator.
   * @default credentials.createSsl()
   */
  credentials?: ChannelCredentials;
  /** Extra @grpc/grpc-js channel options (keepalive, message size, …). @default {} */
  channelOptions?: ChannelOptions;
  /** Optional `x-auth-key` metadata sent with every call, as the official SDK's `WithAuthKey`. @default none */
  authKey?: string;
  /** Deadline of each API call, in milliseconds. @default 30000 */
  apiTimeout?: number;
  /** How long the API connection stays open after the last call, in milliseconds. @default 10000 */
  apiLinger?: number;
  /**
   * The client's rate governor, on by default: per-RPC limits (20 per minute, InitiatePostMediaUpload also
   * 200 per hour), the answers' `ratelimit-*` metadata and `retry-after` followed, a RESOURCE_EXHAUSTED
   * retried after its hold. `false` switches it off. See {@link Mixi2RateLimitOptions}.
   * @default { rules: mixi2RateLimitTables.mstMkt, followServerBudget: true, retryRateLimited: true, maxRateLimitRetries: 3, maxQueued: 10000 }
   */
  rateLimits?: Mixi2RateLimitOptions | false;
  /**
   * Where the client reports its events, connection changes, gaps, calls, uploads and rate-limit waits,
   * e.g. `otelTelemetry()` from `streamrx/telemetry`. @default none (nothing reported)
   */
  telemetry?: Telemetry;
}

/**
 * A mixi2 application client. Nothing connects until something subscribes.
 *
 * @example
 * ```ts
 * const client: Mixi2Client = mixi2Client({ auth });
 * client.state$.subscribe((state) => console.log('stream', state));
 * ```
 */
export interface Mixi2Client {
  /**
   * A cold Observable of the application's events, one emission per event in the order received. Pings
   * are not emitted but count as life (watchdog) and as delivery (they refill the reconnect budget); reconnects follow `mixi2ReconnectPolicy`; a clean end by the
   * server reconnects; UNAUTHENTICATED refreshes the token once; PERMISSION_DENIED and a rejected client end
   * with a typed error. Unsubscribing cancels the call.
   */
  events(options?: Mixi2EventsOptions): Observable<Event>;
  /** The 15 unary RPCs as cold Observables. */
  readonly api: Mixi2Api;
  /**
   * State of the event stream: `'closed'` until `events()` is subscribed. Replays the current state. With
   * several `events()` subscriptions on one client, it follows the latest change of any of them.
   */
  readonly state$: Observable<ConnectionState>;
  /** One value per loss of an open event stream (events during the outage are not replayed by mixi2). */
  readonly gaps$: Observable<Mixi2Gap>;
  /**
   * The rate governor every API call of this client goes through, shared by all its pipelines:
   * `rateLimits.state()` tells the calls waiting, the RPCs held by the server and until when, and the waits
   * so far. Keys are the method names (`'createPost'`). Empty when `rateLimits: false`.
   */
  readonly rateLimits: RateGovernor;
  /**
   * Uploads one image or video: a cold Observable of progress ({@link Mixi2UploadProgress}: initiating,
   * uploading with the bytes sent, processing), then one {@link Mixi2UploadCompleted} carrying the `mediaId`
   * once GetPostMediaStatus says COMPLETED. Sizes past {@link mixi2MediaLimits} fail with
   * `InvalidArgumentError` before any call; `STATUS_FAILED` with {@link Mixi2MediaFailedError}; an upload
   * URL refused as expired starts over from InitiatePostMediaUpload once. The bytes go by HTTP POST with the
   * bearer token; the calls go through {@link Mixi2Client.rateLimits}. Unsubscribing aborts the upload and
   * stops the polling. Errors never contain the token or the upload URL.
   */
  uploadMedia(media: Mixi2Media, options?: Mixi2UploadOptions): Observable<Mixi2UploadEvent>;
  /** Uploads up to 4 media one after the other, then creates the post with their ids (after any in `request.mediaIdList`). */
  postWithMedia(request: DeepPartial<CreatePostRequest>, media: readonly Mixi2Media[], options?: Mixi2UploadOptions): Observable<CreatePostResponse>;
  /** Uploads the media, then sends the chat message carrying it (`request.roomId`, optional `text`). */
  sendChatMessageWithMedia(request: DeepPartial<SendChatMessageRequest>, media: Mixi2Media, options?: Mixi2UploadOptions): Observable<SendChatMessageResponse>;
}

/**
 * Creates a mixi2 client for the event stream and the API (TLS to the official hosts by default).
 *
 * @example
 * ```ts
 * const client = mixi2Client({ auth: clientCredentials({ clientId, clientSecret }) });
 * client.events().pipe(
 *   filter(isPostCreated),
 *   mergeMap((e) => client.api.createPost({ text: 'thanks!', inReplyToPostId: e.body.value.post?.postId })),
 * ).subscribe();
 * client.gaps$.subscribe((gap) => console.warn('missed events after', gap.lastEventId));
 * ```
 */
export function mixi2Client(options: Mixi2ClientOptions): Mixi2Client {
  if (typeof options?.auth?.token !== 'function') throw new InvalidArgumentError('mixi2Client needs an auth with a token() method');
  const {
    auth,
    authKey,
    streamAddress = mixi2Endpoints.stream,
    apiAddress = mixi2Endpoints.api,
    channelOptions = {},
    apiTimeout = 30_000,
    apiLinger = 10_000,
  } = options;
  for (const [name, value] of [['streamAddress', streamAddress], ['apiAddress', apiAddress]] as const) {
    if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`mixi2Client: ${name} must be a host:port string`);
  }
  const channelCredentials = options.credentials ?? grpcCredentials.createSsl();
  const state = new BehaviorSubject<ConnectionState>('closed');
  const gaps = new Subject<Mixi2Gap>();
  const { telemetry } = options;
  const governance = rpcGovernance(options.rateLimits, telemetry ? governanceHooksOf(telemetry) : {});
  const api = createApi({ auth, authKey, timeout: apiTimeout, governance, telemetry, ...lentClient(apiAddress, channelCredentials, channelOptions, apiLinger) });
  const upload = (media: Mixi2Media, uploadOptions?: Mixi2UploadOptions): Observable<Mixi2UploadEvent> =>
    timedCall(telemetry, { source: 'mixi2', operation: 'uploadMedia', kind: 'upload' }, uploadMedia({ api, auth }, media, uploadOptions));

  const events = (eventsOptions?: Mixi2EventsOptions): Observable<Event> =>
    new Observable<Event>((subscriber) => {
      const client = new StreamServiceClient(streamAddress, channelCredentials, channelOptions);
      const reportState = connectionReporter(telemetry, 'mixi2');
      const subscription = eventStream(
        {
          auth,
          authKey,
          open: (metadata) => client.subscribeEvents({}, metadata),
          setState: (s) => {
            reportState?.(s);
            state.next(s);
          },
          reportGap: (gap) => {
            telemetry?.gapReported('mixi2');
            gaps.next(gap);
          },
          telemetry,
        },
        eventsOptions,
      ).subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        client.close();
      };
    });

  return {
    events,
    api,
    state$: state.pipe(distinctUntilChanged()),
    gaps$: gaps.asObservable(),
    rateLimits: governance.governor,
    uploadMedia: upload,
    postWithMedia: (request, media, uploadOptions) => postWithMedia(api, upload, request, media, uploadOptions),
    sendChatMessageWithMedia: (request, media, uploadOptions) => sendChatMessageWithMedia(api, upload, request, media, uploadOptions),
  };
}

/** The governance's waits, queue depth and RESOURCE_EXHAUSTED retries, reported to `telemetry`. */
function governanceHooksOf(telemetry: Telemetry): RpcGovernanceHooks {
  return {
    onWaited: (method, waitedMs) => telemetry.rateLimitWaited('mixi2', method, waitedMs),
    ...(telemetry.rateLimitQueueChanged ? { onQueueChanged: (change: number) => telemetry.rateLimitQueueChanged?.('mixi2', change) } : {}),
    ...(telemetry.callRetried ? { onRateLimitRetried: (method: string) => telemetry.callRetried?.('mixi2', method, 'rate_limited') } : {}),
  };
}
