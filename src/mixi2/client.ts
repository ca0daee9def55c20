import { credentials as grpcCredentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { BehaviorSubject, distinctUntilChanged, Observable, Subject } from 'rxjs';
import type { ConnectionState } from '../core/connection-state.js';
import { InvalidArgumentError } from '../core/errors.js';
import { createApi, type Mixi2Api } from './api.js';
import type { Mixi2Auth } from './auth.js';
import { mixi2Endpoints } from './endpoints.js';
import { eventStream, type Mixi2EventsOptions } from './event-stream.js';
import type { Mixi2Gap } from './gap.js';
import type { Event } from './gen/social/mixi/application/model/v1/event.js';
import { ApplicationServiceClient as StreamServiceClient } from './gen/social/mixi/application/service/application_stream/v1/service.js';
import { lentClient } from './lent-client.js';

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
  const api = createApi({ auth, authKey, timeout: apiTimeout, ...lentClient(apiAddress, channelCredentials, channelOptions, apiLinger) });

  const events = (eventsOptions?: Mixi2EventsOptions): Observable<Event> =>
    new Observable<Event>((subscriber) => {
      const client = new StreamServiceClient(streamAddress, channelCredentials, channelOptions);
      const subscription = eventStream(
        {
          auth,
          authKey,
          open: (metadata) => client.subscribeEvents({}, metadata),
          setState: (s) => state.next(s),
          reportGap: (gap) => gaps.next(gap),
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
  };
}
