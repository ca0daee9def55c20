import { Observable, Subject, distinctUntilChanged, throwError, type SchedulerLike, type Subscriber, type TeardownLogic } from 'rxjs';
import type { ConnectionState } from '../core/connection-state.js';
import { InvalidArgumentError } from '../core/errors.js';
import { RateGovernor, type RateGovernorState } from '../core/rate-governor.js';
import type { RateRule } from '../core/rate-rule.js';
import type { RetryBackoffOptions } from '../core/retry-backoff.js';
import { ChannelLink, sharedChannelNames, type ChannelListener } from './channel-link.js';
import { ChannelPool } from './channel-pool.js';
import { followedNoteIds } from './followed-notes.js';
import { TimelineGapFiller, type GapFill, type GapFillBudget } from './gap-fill.js';
import { defaultHttpRetry, httpApi } from './http-api.js';
import { fetchTransport, type FetchLike, type HttpTransport } from './http-transport.js';
import { undiciTransport } from './undici-transport.js';
import type { FileValue } from './file-value.js';
import { MisskeySession, type MisskeyClientStats } from './session.js';
import { MisskeyClientTelemetry } from './client-telemetry.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { WebSocketConstructor } from './socket-link.js';
import { notificationsEndpoint, timelineEndpoints } from './timeline-endpoints.js';
import { fileUploader, uploadedDriveFile, type DriveUploadEvent, type UploadFileOptions } from './upload-file.js';
import type {
  ApiParams,
  BroadcastMessage,
  ChannelMessage,
  ChannelName,
  ChannelOutbound,
  ChannelParams,
  EndpointName,
  EndpointResponse,
  Note,
  NoteUpdate,
} from './types.js';

/** Options of {@link misskey}. Only `origin` is required. */
export interface MisskeyOptions {
  /** The server, e.g. `https://misskey.example` (`http(s)` only; the socket goes to `ws(s)://…/streaming`). */
  origin: string;
  /** Access token: `?i=` on the socket and `i` in API bodies; never put in an error message. @default anonymous */
  token?: string;
  /** WebSocket class: `ws`'s (the default) or a WHATWG-compatible one. @default WebSocket from `ws` */
  WebSocket?: WebSocketConstructor;
  /** A `fetch` for the HTTP API instead of the built-in transport (`http.transport` wins over it). @default the built-in undici transport */
  fetch?: FetchLike;
  /**
   * `'current'`: Misskey 10+ (`subNote`/`noteUpdated`, no stream API). `'legacy'`: the older protocol of the
   * seed document (`capture`/`note-updated`, stream API `api`/`api-res:<id>`).
   * @default 'current'
   */
  protocol?: 'current' | 'legacy';
  /** Where `api()` calls go: HTTP, or the socket (`'stream'`, legacy protocol only). @default 'http' */
  apiTransport?: 'http' | 'stream';
  /** Reconnect backoff of the socket. @default { initialDelay: 1000, multiplier: 2, maxDelay: 30000, jitter: 0.5, maxRetries: Infinity } */
  reconnect?: RetryBackoffOptions;
  /** How long the socket stays open after the last subscriber left, in ms. @default 2000 */
  closeDelay?: number;
  /** How long a channel `connect` may wait for `connected` before {@link streamrx!ChannelRejectedError}, in ms. @default 10000 */
  ackTimeout?: number;
  /** Keep-alive: `h` frames for proxies every `heartbeatInterval` ms (0: off), and a watchdog replacing a socket silent for `idleTimeout` ms (longer than the server's 2-minute pong limit). @default { heartbeatInterval: 60000, idleTimeout: 150000 } */
  keepAlive?: {
    /** Interval of `h` frames, in ms; 0 turns them off. @default 60000 */
    heartbeatInterval?: number;
    /** How long the socket may stay silent before it is replaced, in ms. @default 150000 */
    idleTimeout?: number;
  };
  /** Messages held while disconnected (stream API requests; `ch` messages per channel); past it the oldest is dropped and counted (a dropped stream API request fails with ConnectionLostError). @default 1000 */
  maxQueuedMessages?: number;
  /**
   * Gap-fill of timeline channels after a reconnect: `false` to turn off. Pages of `limit` notes are fetched
   * one after the other until one is not full, at most `maxPages`; a larger gap is reported on `gapFills$`
   * with `complete: false`. @default { limit: 100, maxPages: 10 }
   */
  gapFill?:
    | boolean
    | {
        /** Notes fetched per page (the server's maximum is 100); 0 turns gap-fill off. @default 100 */
        limit?: number;
        /** Pages fetched at most per gap-fill. @default 10 */
        maxPages?: number;
      };
  /**
   * HTTP API behaviour. `retry`: backoff of 5xx and network failures (`maxRetries: 0` disables);
   * `retryRateLimited`: a 429 call waits for its endpoint's hold and tries again; `timeout` per attempt in ms
   * (an upload's whole transfer included); `rateLimits`: the client's own per-endpoint limits; `maxQueued`:
   * calls allowed to wait for a limit at once.
   * @default { retry: { initialDelay: 250, multiplier: 2, maxDelay: 5000, maxRetries: 3, jitter: 0.5 }, retryRateLimited: true, timeout: 30000, rateLimits: {}, maxQueued: 10000 }
   */
  http?: {
    /**
     * What sends the HTTP calls: {@link undiciTransport} (keep-alive pool, the fastest here),
     * {@link nodeHttpTransport}, {@link fetchTransport}, or your own {@link HttpTransport}.
     * @default undiciTransport()
     */
    transport?: HttpTransport;
    /** Backoff of 5xx and network failures; `maxRetries: 0` disables retries. @default defaultHttpRetry */
    retry?: RetryBackoffOptions;
    /**
     * Whether a 429 call waits until its endpoint's hold ends (`info.resetMs` / `Retry-After`, shared by
     * every caller) and tries again, counted in `retry.maxRetries`; `false` ends it with `RateLimitError`
     * (the endpoint is held for the other calls all the same). @default true
     */
    retryRateLimited?: boolean;
    /** Time limit of each attempt, in ms. @default 30000 */
    timeout?: number;
    /**
     * Limits the client keeps by itself, per endpoint: at most `limit` call starts in any sliding `window` ms,
     * shared by every pipeline of this client; calls over it wait their turn (FIFO per endpoint) instead of
     * spending a call on a 429. {@link misskeyUserRateLimits} holds a real server's figures for a normal user.
     * @default {} (no limits of its own; 429 holds still apply)
     */
    rateLimits?: Readonly<Record<string, readonly RateRule[]>>;
    /** Calls allowed to wait for a limit or a hold at once; past it a call fails with `RateLimitQueueFullError`. @default 10000 */
    maxQueued?: number;
  };
  /** Time a stream API request may wait for its answer, in ms. @default 30000 */
  streamApiTimeout?: number;
  /** Scheduler of every timer (backoff, grace period, acks, keep-alive); virtualised inside `TestScheduler.run()`. @default asyncScheduler */
  scheduler?: SchedulerLike;
  /**
   * Where the client reports messages received and delivered, socket state changes, reconnects, channel
   * gaps, gap-fills, API calls, uploads and rate-limit waits, e.g. `otelTelemetry()` from
   * `streamrx/telemetry`. @default none (nothing reported)
   */
  telemetry?: Telemetry;
}

/** Options of {@link MisskeyClient.channel}. */
export interface ChannelOptions<C extends ChannelName> {
  /** Messages to send to the channel (`ch`), each sent once the channel is acknowledged (held while disconnected). @default none */
  send$?: Observable<ChannelOutbound<C>>;
  /**
   * Start from a stored cursor: the id of the last note (timeline channels) or notification (`main`) handled
   * before a restart. Once the channel is acknowledged, what came after it is fetched over HTTP (pages, oldest
   * first, each once) and delivered before the live messages, which wait meanwhile; a live message the replay
   * already delivered is skipped. The replay is reported on `gapFills$` with `reason: 'resume'` (`replayed`,
   * `complete: false` when more than `gapFill.maxPages` pages were missed). Only for the channels gap-fill
   * knows and `main`; the subscription is gap-filled after reconnects too.
   * @default none (start with the live messages)
   */
  resumeFrom?: string;
}

/** Options of {@link MisskeyClient.api}. */
export interface ApiCallOptions {
  /** Overrides the client's `apiTransport` for this call. @default the client's apiTransport */
  transport?: 'http' | 'stream';
}

/** What a client shows of its rate limiting, for monitoring. */
export interface RateLimitsView {
  /** Calls waiting now, endpoints held by a 429 and until when (scheduler time), waits so far and their total time. */
  state(): RateGovernorState;
}

/** A Misskey client: cold Observables over one shared socket and the HTTP API. */
export interface MisskeyClient {
  /**
   * Messages of channel `name` with `params`. Subscriptions with the same name and params (compared as JSON with
   * sorted keys; none and `{}` are the same) share one server channel connection (misskey-js's `useChannel`
   * pools only channels used without params): the first connects it, the last one leaving disconnects it, a
   * reconnect connects it once and gap-fills it once for all, and a subscriber joining it later gets the
   * messages from then on. A subscription with `send$` or `resumeFrom` has a connection of its own (its outbound
   * messages and its start are its own), except on the channels the server shares by name (`main`, `drive`,
   * `serverStats`, `queueStats`, `admin`, `reversi`), which have one connection per name for every subscriber. A
   * rejected connect ({@link streamrx!ChannelRejectedError}) reaches every subscriber of the connection; one
   * subscriber unsubscribing or failing leaves the others' messages alone.
   * @example
   * ```ts
   * const a = client.channel('hashtag', { q: [['misskey']] }).subscribe(console.log);
   * const b = client.channel('hashtag', { q: [['misskey']] }).subscribe(console.log); // same connection as a
   * ```
   */
  channel<C extends ChannelName>(name: C, params?: ChannelParams<C>, options?: ChannelOptions<C>): Observable<ChannelMessage<C>>;
  /**
   * Updates of one note, or of every note of an iterable in one subscription (each update carries its note's
   * `id`): one `subNote` per note however many subscribers, `unsubNote` when the last leaves, one re-subscription
   * per note after a reconnect. Following many notes at once costs a few dozen bytes per note, where one
   * subscription per note costs what an rxjs subscription costs (about 450 bytes).
   * @example
   * ```ts
   * client.noteUpdates(noteId).subscribe((u) => console.log(u.type));
   * client.noteUpdates(myLatestNoteIds).pipe(filter((u) => u.type === 'reacted')).subscribe((u) => console.log(u.id, u.body.reaction));
   * ```
   */
  noteUpdates(noteIds: string | Iterable<string>): Observable<NoteUpdate>;
  /**
   * One API call: its typed response, then completion. Params holding a file value (`Blob`, `Uint8Array`,
   * `{ stream, size }`) are sent as `multipart/form-data` (e.g. `drive/files/create`).
   */
  api<E extends EndpointName, P extends ApiParams<E> = ApiParams<E>>(endpoint: E, params?: P, options?: ApiCallOptions): Observable<EndpointResponse<E, P>>;
  /**
   * Uploads a file to the drive (`drive/files/create`, multipart): `uploading` progress, then `completed`
   * with the `DriveFile`, whose `id` goes into `notes/create`'s `fileIds` (see {@link uploadedDriveFile}). Unsubscribing aborts the upload. Retried
   * like other calls on 5xx and network failures (safe: the server returns the same file for the same bytes),
   * except from a stream, which cannot be read twice.
   */
  uploadFile(file: FileValue, options?: UploadFileOptions): Observable<DriveUploadEvent>;
  /** The HTTP calls' rate limiting (one governor per client, shared by all its pipelines). */
  readonly rateLimits: RateLimitsView;
  /** Server-wide broadcasts: `emojiAdded`, `emojiUpdated`, `emojiDeleted`, `announcementCreated`. */
  broadcasts(): Observable<BroadcastMessage>;
  /** The socket's state; `'closed'` while nobody is subscribed. */
  readonly state$: Observable<ConnectionState>;
  /** One report per gap-fill after a reconnect (one per channel connection, however many subscriptions share it); `complete: false` means notes may be missing. */
  readonly gapFills$: Observable<GapFill>;
  /** Counters: malformed and unknown frames skipped, outbound messages dropped, reconnects. */
  stats(): Readonly<MisskeyClientStats>;
}

function streamingUrl(origin: URL, token: string | undefined): string {
  const base = `${origin.protocol === 'https:' ? 'wss:' : 'ws:'}//${origin.host}${origin.pathname.replace(/\/+$/, '')}/streaming`;
  return token === undefined ? base : `${base}?i=${encodeURIComponent(token)}`;
}

/** Whether a channel can start from `resumeFrom`: a timeline channel gap-fill knows, or `main` (its notifications). */
function resumable(name: string, resumeFrom: unknown): boolean {
  return typeof resumeFrom === 'string' && resumeFrom !== '' && (name === 'main' || timelineEndpoints[name] !== undefined);
}

/** The budget of a resume when gap-fill is off. */
const resumeBudget: GapFillBudget = { limit: 100, maxPages: 10 };

/** The options of a channel subscribed without any (one object, not one per call). */
const noChannelOptions: ChannelOptions<ChannelName> = Object.freeze({});

/** The params of a channel subscribed without any (read only by the gap-filler). */
const noChannelParams: Readonly<Record<string, unknown>> = Object.freeze({});

function gapFillBudgetOf(option: MisskeyOptions['gapFill']): GapFillBudget | undefined {
  if (option === false) return undefined;
  const { limit = 100, maxPages = 10 } = typeof option === 'object' ? option : {};
  if (!(limit >= 0) || !(maxPages >= 0)) throw new InvalidArgumentError(`gapFill limit and maxPages must be >= 0, got ${limit} and ${maxPages}`);
  if (limit > 100) throw new InvalidArgumentError(`gapFill limit must be <= 100 (the server rejects more), got ${limit}`);
  return limit === 0 || maxPages === 0 ? undefined : { limit, maxPages };
}

function parseOrigin(origin: string): URL {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new InvalidArgumentError(`origin is not a URL: ${JSON.stringify(origin).slice(0, 100)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`origin must be http(s), got ${url.protocol}`);
  return url;
}

/**
 * Creates a Misskey client. Nothing connects until something is subscribed; the socket is shared by every
 * channel, note and broadcast subscription and closed `closeDelay` ms after the last one leaves.
 *
 * @example
 * ```ts
 * const client = misskey({ origin: 'https://misskey.example', token: process.env.MISSKEY_TOKEN });
 * client.channel('homeTimeline').pipe(filter((m) => m.type === 'note')).subscribe((m) => console.log(m.body.text));
 * client.api('notes/create', { text: 'hello' }).subscribe(({ createdNote }) => console.log(createdNote.id));
 * ```
 */
export function misskey(options: MisskeyOptions): MisskeyClient {
  const origin = parseOrigin(options.origin);
  const { token, scheduler } = options;
  if (token === '') throw new InvalidArgumentError('token is empty; omit it for anonymous use');
  const legacy = options.protocol === 'legacy';
  const apiTransport = options.apiTransport ?? 'http';
  if (apiTransport === 'stream' && !legacy) throw new InvalidArgumentError("apiTransport 'stream' needs protocol 'legacy': current servers ignore stream API requests");
  const observed = options.telemetry && new MisskeyClientTelemetry(options.telemetry);
  const session = new MisskeySession({
    url: streamingUrl(origin, token),
    secrets: [token, token === undefined ? undefined : encodeURIComponent(token)],
    WebSocket: options.WebSocket,
    legacy,
    reconnect: options.reconnect ?? { initialDelay: 1000, multiplier: 2, maxDelay: 30_000, jitter: 0.5 },
    closeDelay: options.closeDelay ?? 2000,
    ackTimeout: options.ackTimeout ?? 10_000,
    heartbeatInterval: options.keepAlive?.heartbeatInterval ?? 60_000,
    idleTimeout: options.keepAlive?.idleTimeout ?? 150_000,
    maxQueuedMessages: options.maxQueuedMessages ?? 1000,
    streamApiTimeout: options.streamApiTimeout ?? 30_000,
    scheduler,
    ...observed?.sessionHooks(),
  });
  if (observed) session.state$.subscribe(observed.reportState);
  const rateLimits = options.http?.rateLimits ?? {};
  const governor = new RateGovernor({ rules: (endpoint) => rateLimits[endpoint] ?? [], maxQueued: options.http?.maxQueued, scheduler, ...observed?.governorHooks() });
  const untimedHttp = httpApi({
    origin: origin.href,
    token,
    transport: options.http?.transport ?? (options.fetch ? fetchTransport(options.fetch) : undiciTransport()),
    retry: options.http?.retry ?? defaultHttpRetry,
    retryRateLimited: options.http?.retryRateLimited ?? true,
    timeout: options.http?.timeout ?? 30_000,
    governor,
    scheduler,
    ...observed?.httpHooks(),
  });
  const http = observed ? observed.timedHttp(untimedHttp) : untimedHttp;
  const gapFillBudget = gapFillBudgetOf(options.gapFill);
  const gapFills = new Subject<GapFill>();

  // shared by every gap-filler of the client: a channel subscription holds no closures of its own
  const fetchPage = (endpoint: string, p: Record<string, unknown>) => http<Note[]>(endpoint, p);
  const reportFill = (fill: GapFill): void => {
    observed?.gapFilled(fill);
    gapFills.next(fill);
  };
  const listenerFor = (name: string, params: unknown, subscriber: ChannelListener, resumeFrom?: string): ChannelListener & { dispose?(): void } => {
    const timeline = resumeFrom !== undefined && name === 'main' ? notificationsEndpoint : timelineEndpoints[name];
    const budget = resumeFrom === undefined ? gapFillBudget : (gapFillBudget ?? resumeBudget);
    if (!timeline || !budget) return subscriber;
    const channelParams = (typeof params === 'object' && params !== null ? params : noChannelParams) as Record<string, unknown>;
    return new TimelineGapFiller(name, timeline, channelParams, subscriber, fetchPage, budget, reportFill, resumeFrom);
  };

  const pool = new ChannelPool(session, listenerFor, observed?.countDelivered);

  /** A subscription with `send$` or `resumeFrom`: a connection of its own (a `shouldShare` channel's shared one), its own listener. */
  const ownConnection = (name: string, params: unknown, channelOptions: ChannelOptions<ChannelName>, subscriber: Subscriber<unknown>): TeardownLogic => {
    const { resumeFrom } = channelOptions;
    const link = sharedChannelNames.has(name) ? pool.linkOf(name, params) : new ChannelLink(name, params ?? undefined);
    const listener = listenerFor(name, params, observed ? observed.countingDownstream(subscriber) : subscriber, resumeFrom);
    link.addListener(listener);
    session.attachChannel(link);
    const outbound = channelOptions.send$?.subscribe({
      next: (message) => session.sendToChannel(link, message.type, message.body),
      error: (error: unknown) => subscriber.error(error),
    });
    return () => {
      outbound?.unsubscribe();
      listener.dispose?.();
      link.removeListener(listener);
      if (link.listeners.length === 0) session.detachChannel(link);
    };
  };

  const channel = <C extends ChannelName>(name: C, params?: ChannelParams<C>, channelOptions: ChannelOptions<C> = noChannelOptions as ChannelOptions<C>): Observable<ChannelMessage<C>> =>
    new Observable<ChannelMessage<C>>((subscriber) => {
      if (typeof name !== 'string' || (name as string) === '') {
        subscriber.error(new InvalidArgumentError('channel name must be a non-empty string'));
        return;
      }
      const { resumeFrom, send$ } = channelOptions;
      if (resumeFrom !== undefined && !resumable(name, resumeFrom)) {
        subscriber.error(new InvalidArgumentError(`resumeFrom needs a non-empty id and a timeline channel or main (channel ${name})`));
        return;
      }
      if (send$ === undefined && resumeFrom === undefined) return pool.join(name, params, subscriber as Subscriber<unknown>);
      return ownConnection(name, params, channelOptions as ChannelOptions<ChannelName>, subscriber as Subscriber<unknown>);
    });

  const noteUpdates = (notes: string | Iterable<string>): Observable<NoteUpdate> =>
    new Observable<NoteUpdate>((subscriber) => {
      let ids: string | readonly string[];
      try {
        ids = followedNoteIds(notes);
      } catch (error) {
        subscriber.error(error);
        return;
      }
      if (typeof ids === 'string') {
        const noteId = ids;
        session.attachNote(noteId, subscriber);
        return () => session.detachNote(noteId, subscriber);
      }
      const noteIds = ids;
      for (const noteId of noteIds) session.attachNote(noteId, subscriber);
      return () => {
        for (const noteId of noteIds) session.detachNote(noteId, subscriber);
      };
    });

  // Untyped inside: checking a generic implementation against the typed signature is too much for tsc.
  const api = (endpoint: string, params: object | undefined, callOptions: ApiCallOptions = {}): Observable<unknown> => {
    if (typeof endpoint !== 'string' || !/^[\w\-/]+$/.test(endpoint)) return throwError(() => new InvalidArgumentError(`not an endpoint name: ${String(endpoint).slice(0, 60)}`));
    const transport = callOptions.transport ?? apiTransport;
    if (transport === 'stream') {
      if (!legacy) return throwError(() => new InvalidArgumentError("stream API transport needs protocol 'legacy'"));
      return session.streamRequest<unknown>(endpoint, params);
    }
    return http<unknown>(endpoint, params);
  };

  const broadcasts = (): Observable<BroadcastMessage> =>
    new Observable<BroadcastMessage>((subscriber) => {
      session.attachBroadcasts(subscriber);
      return () => session.detachBroadcasts(subscriber);
    });

  return {
    channel,
    noteUpdates,
    api: api as MisskeyClient['api'],
    uploadFile: observed ? (file, uploadOptions) => observed.timedUpload(fileUploader(http)(file, uploadOptions)) : fileUploader(http),
    rateLimits: { state: () => governor.state() },
    broadcasts,
    state$: session.state$.pipe(distinctUntilChanged()),
    gapFills$: gapFills.asObservable(),
    stats: () => ({ ...session.stats }),
  };
}
