import { BehaviorSubject, defer, filter, interval, type Observable, timer, type SchedulerLike, type Subscription } from 'rxjs';
import type { ConnectionState } from '../core/connection-state.js';
import type { FrameSkipReason } from '../telemetry/telemetry.js';
import { ChannelRejectedError } from '../core/errors.js';
import { retryBackoff, type RetryBackoffOptions } from '../core/retry-backoff.js';
import { watchdog } from '../core/watchdog.js';
import { batchedSend } from './batched-send.js';
import { ChannelLink } from './channel-link.js';
import { parseFrame, routedBody, type MisskeyFrame } from './frame.js';
import { NoteSubscriptions } from './note-subscriptions.js';
import { socketLink, type WebSocketConstructor, type WebSocketLike } from './socket-link.js';
import type { Listener, SocketPort } from './socket-port.js';
import { StreamApi } from './stream-api.js';

/** Counters of one client, for monitoring and tests. */
export interface MisskeyClientStats {
  /** Frames that were not JSON objects with a string `type` (skipped). */
  malformedFrames: number;
  /** Frames with a `type` this client does not handle (skipped). */
  unknownFrames: number;
  /** Outbound messages dropped because the queue was full while disconnected. */
  droppedOutbound: number;
  /** Reconnect attempts so far. */
  reconnects: number;
}

/** Settings of a {@link MisskeySession}, resolved from the client options. */
export interface SessionSettings {
  url: string;
  secrets: ReadonlyArray<string | undefined>;
  WebSocket: WebSocketConstructor | undefined;
  legacy: boolean;
  reconnect: RetryBackoffOptions;
  closeDelay: number;
  ackTimeout: number;
  heartbeatInterval: number;
  idleTimeout: number;
  maxQueuedMessages: number;
  streamApiTimeout: number;
  scheduler: SchedulerLike | undefined;
  /** Told of each frame skipped, and why. @default none */
  onFrameSkipped?: (reason: FrameSkipReason) => void;
  /** Told of each outbound message dropped from a full queue. @default none */
  onOutboundDropped?: () => void;
  /** Told of each channel message received for a live connection (once, however many subscribers share it). @default none */
  onChannelMessage?: () => void;
  /** Told of each `connected` acknowledgement of a channel connection, before its listeners; `reconnected` after the first. @default none */
  onChannelAcknowledged?: (channel: string, reconnected: boolean) => void;
}

const broadcastTypes = new Set(['emojiAdded', 'emojiUpdated', 'emojiDeleted', 'announcementCreated']);

/**
 * The one WebSocket of a client, shared by reference count: opened by the first lease, closed
 * `closeDelay` ms after the last. Routes frames by channel id and note id through Maps, reconnects with
 * backoff, reconnects every live channel (new ids, acks awaited) and note before any queued message,
 * sends `h` heartbeats, and replaces a socket silent for `idleTimeout`.
 * @example
 * ```ts
 * const session = new MisskeySession(settings);
 * session.attachNote(noteId, subscriber); // opens the socket, sends subNote once open
 * session.detachNote(noteId, subscriber); // unsubNote; the socket closes closeDelay ms later
 * ```
 */
export class MisskeySession {
  readonly state$ = new BehaviorSubject<ConnectionState>('closed');
  readonly stats: MisskeyClientStats = { malformedFrames: 0, unknownFrames: 0, droppedOutbound: 0, reconnects: 0 };
  private readonly channels = new Map<string, ChannelLink>();
  private readonly liveChannels = new Set<ChannelLink>();
  private readonly sharedLinks = new Map<string, ChannelLink>();
  private readonly broadcastListeners = new Set<Listener>();
  private readonly port: SocketPort = {
    send: (frame) => {
      if (!this.sendFrame) return false;
      this.sendFrame(frame);
      return true;
    },
    acquire: () => this.acquire(),
    release: () => this.release(),
  };
  private readonly notes: NoteSubscriptions;
  private readonly streamApi: StreamApi;
  /** Sends on the open socket, batching the frames of one tick; `undefined` while there is no open socket. */
  private sendFrame: ((frame: string) => void) | undefined;
  private link: Subscription | undefined;
  private heartbeat: Subscription | undefined;
  private grace: Subscription | undefined;
  private leases = 0;
  private nextChannelId = 0;
  private framesSeen = 0;
  private closingPolitely = false;

  constructor(private readonly settings: SessionSettings) {
    this.notes = new NoteSubscriptions(this.port, settings.legacy);
    this.streamApi = new StreamApi(this.port, {
      timeout: settings.streamApiTimeout,
      maxQueued: settings.maxQueuedMessages,
      onDropped: () => this.droppedOutbound(),
      scheduler: settings.scheduler,
    });
  }

  // ---- leases --------------------------------------------------------------------------------------

  acquire(): void {
    this.leases += 1;
    this.grace?.unsubscribe();
    this.grace = undefined;
    if (!this.link) this.start();
  }

  release(): void {
    this.leases -= 1;
    if (this.leases > 0 || !this.link) return;
    this.grace = timer(this.settings.closeDelay, this.settings.scheduler).subscribe(() => this.shutdown());
  }

  private start(): void {
    const { settings } = this;
    this.state$.next('connecting');
    const sched = settings.scheduler ? { scheduler: settings.scheduler } : {};
    let lastSeen = -1;
    const alive$ = interval(Math.max(1, settings.idleTimeout / 4), settings.scheduler).pipe(
      filter(() => {
        const changed = this.framesSeen !== lastSeen;
        lastSeen = this.framesSeen;
        return changed;
      }),
    );
    const handlers = {
      opened: (socket: WebSocketLike) => this.opened(socket),
      message: (data: string | Buffer, isBinary: boolean) => this.receive(data, isBinary),
      pinged: () => {
        this.framesSeen += 1;
      },
      closed: () => this.dropped(),
      polite: () => this.closingPolitely,
    };
    this.link = defer(() => socketLink(settings.url, settings.WebSocket, handlers, settings.secrets))
      .pipe(
        watchdog(settings.idleTimeout, { heartbeats: alive$, ...sched }),
        retryBackoff({
          ...settings.reconnect,
          ...sched,
          onRetry: (attempt) => {
            this.stats.reconnects += 1;
            this.state$.next('reconnecting');
            settings.reconnect.onRetry?.(attempt);
          },
        }),
      )
      .subscribe({ error: (error: unknown) => this.terminate(error) });
  }

  private shutdown(): void {
    this.grace = undefined;
    const link = this.link;
    this.link = undefined;
    this.closingPolitely = true;
    link?.unsubscribe();
    this.closingPolitely = false;
    this.streamApi.clear();
    this.state$.next('closed');
  }

  /** A terminal failure (refused upgrade, retries exhausted): every stream of the client ends with it. */
  private terminate(error: unknown): void {
    this.link = undefined;
    this.state$.next('closed');
    this.streamApi.failAll(error);
    for (const link of [...this.liveChannels]) link.fail(error);
    this.notes.failAll(error);
    for (const listener of [...this.broadcastListeners]) listener.error(error);
  }

  // ---- socket events -------------------------------------------------------------------------------

  private opened(socket: WebSocketLike): void {
    this.sendFrame = batchedSend(socket);
    this.state$.next('open');
    for (const link of this.liveChannels) this.connectChannel(link);
    this.notes.resubscribeAll();
    this.streamApi.flush();
    if (this.settings.heartbeatInterval > 0) {
      this.heartbeat = interval(this.settings.heartbeatInterval, this.settings.scheduler).subscribe(() => this.sendFrame?.('h'));
    }
  }

  private dropped(): void {
    this.sendFrame = undefined;
    this.heartbeat?.unsubscribe();
    this.heartbeat = undefined;
    this.channels.clear();
    for (const link of this.liveChannels) {
      link.acked = false;
      link.ackTimer?.unsubscribe();
      link.ackTimer = undefined;
    }
    this.streamApi.dropped();
  }

  private receive(data: string | Buffer, isBinary: boolean): void {
    this.framesSeen += 1;
    const frame = isBinary ? undefined : parseFrame(data);
    if (frame === undefined || typeof (frame as MisskeyFrame).type !== 'string') return this.skipped('malformed');
    const { type, body } = frame as MisskeyFrame;
    if (type === 'channel') {
      const routed = routedBody(body);
      const link = routed && this.channels.get(routed.id);
      if (!routed) this.skipped('malformed');
      else if (link) {
        this.settings.onChannelMessage?.();
        link.deliver(routed);
      }
    } else if (type === 'noteUpdated') {
      if (!this.notes.dispatch(body)) this.skipped('malformed');
    } else if (type === 'connected') this.connected(body);
    else if (broadcastTypes.has(type)) this.broadcast(type, body);
    else if (this.settings.legacy && type === 'note-updated') {
      if (!this.notes.dispatchLegacy(body)) this.skipped('malformed');
    } else if (this.settings.legacy && type.startsWith('api-res:')) this.streamApi.answer(type.slice(8), body);
    else this.skipped('unknown');
  }

  private skipped(reason: FrameSkipReason): void {
    if (reason === 'malformed') this.stats.malformedFrames += 1;
    else this.stats.unknownFrames += 1;
    this.settings.onFrameSkipped?.(reason);
  }

  private droppedOutbound(): void {
    this.stats.droppedOutbound += 1;
    this.settings.onOutboundDropped?.();
  }

  private connected(body: unknown): void {
    const id = (body as { id?: unknown } | null)?.id;
    const link = typeof id === 'string' ? this.channels.get(id) : undefined;
    if (!link || link.acked) return;
    this.settings.onChannelAcknowledged?.(link.name, link.everAcked);
    link.acknowledge();
    for (const { type, body: payload } of link.held.splice(0)) this.send(JSON.stringify({ type: 'ch', body: { id: link.id, type, body: payload } }));
  }

  private broadcast(type: string, body: unknown): void {
    const message = { type, body };
    for (const listener of this.broadcastListeners) listener.next(message);
  }

  private send(frame: string): void {
    this.port.send(frame);
  }

  // ---- channels ------------------------------------------------------------------------------------

  /** The connection shared under `key` (a `shouldShare` name, or a name and canonical params), created with `name` and `params` on first use. */
  sharedLink(key: string, name: string, params: unknown): ChannelLink {
    let link = this.sharedLinks.get(key);
    if (!link) this.sharedLinks.set(key, (link = new ChannelLink(name, params, key)));
    return link;
  }

  attachChannel(link: ChannelLink): void {
    if (link.attached) return;
    link.attached = true;
    this.liveChannels.add(link);
    this.acquire();
    if (this.sendFrame) this.connectChannel(link);
  }

  detachChannel(link: ChannelLink): void {
    if (!link.attached) return;
    link.attached = false;
    this.liveChannels.delete(link);
    if (link.key !== undefined && this.sharedLinks.get(link.key) === link) this.sharedLinks.delete(link.key);
    link.ackTimer?.unsubscribe();
    link.ackTimer = undefined;
    link.held.length = 0;
    if (this.channels.delete(link.id)) this.send(JSON.stringify({ type: 'disconnect', body: { id: link.id } }));
    this.release();
  }

  /** Sends a `ch` message now if the channel is acknowledged, else holds it (bounded, oldest dropped). */
  sendToChannel(link: ChannelLink, type: string, body: unknown): void {
    if (this.sendFrame && link.acked) {
      this.sendFrame(JSON.stringify({ type: 'ch', body: { id: link.id, type, body: body ?? null } }));
      return;
    }
    link.held.push({ type, body: body ?? null });
    if (link.held.length > this.settings.maxQueuedMessages) {
      link.held.shift();
      this.droppedOutbound();
    }
  }

  private connectChannel(link: ChannelLink): void {
    const id = String(++this.nextChannelId);
    link.id = id;
    link.acked = false;
    this.channels.set(id, link);
    const body: Record<string, unknown> = { channel: link.name, id, pong: true };
    if (link.params !== undefined && link.params !== null) body['params'] = link.params;
    this.send(JSON.stringify({ type: 'connect', body }));
    link.ackTimer = timer(this.settings.ackTimeout, this.settings.scheduler).subscribe(() => this.rejectChannel(link));
  }

  private rejectChannel(link: ChannelLink): void {
    link.ackTimer = undefined;
    const error = new ChannelRejectedError(link.name, this.settings.ackTimeout);
    this.detachChannel(link);
    link.fail(error);
  }

  // ---- notes ----------------------------------------------------------------------------------------

  attachNote(noteId: string, listener: Listener): void {
    this.notes.attach(noteId, listener);
  }

  detachNote(noteId: string, listener: Listener): void {
    this.notes.detach(noteId, listener);
  }

  // ---- broadcasts ----------------------------------------------------------------------------------

  attachBroadcasts(listener: Listener): void {
    this.acquire();
    this.broadcastListeners.add(listener);
  }

  detachBroadcasts(listener: Listener): void {
    if (this.broadcastListeners.delete(listener)) this.release();
  }

  // ---- stream API (legacy protocol) ----------------------------------------------------------------

  /** One `api` request over the socket, answered by `api-res:<id>`; never re-sent after a drop. */
  streamRequest<R>(endpoint: string, data: unknown): Observable<R> {
    return this.streamApi.request<R>(endpoint, data);
  }
}
