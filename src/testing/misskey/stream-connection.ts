import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { EmulatedUser } from './builders.js';

/** The channels that need a logged-in user (anonymous `connect` is rejected silently). */
const credentialChannels = new Set(['main', 'homeTimeline', 'hybridTimeline', 'userList', 'antenna', 'drive', 'admin', 'reversi', 'chatUser', 'chatRoom']);
/** The channels with `shouldShare`: a second `connect` with the same name on one socket is ignored. */
const sharedChannels = new Set(['main', 'drive', 'serverStats', 'queueStats', 'admin', 'reversi']);
/** Every channel name the emulator acknowledges. */
const knownChannels = new Set([
  ...credentialChannels,
  ...sharedChannels,
  'localTimeline',
  'globalTimeline',
  'hashtag',
  'roleTimeline',
  'channel',
  'reversiGame',
]);

/** What a stream connection needs from the emulator around it. */
export interface StreamConnectionHost {
  readonly legacy: boolean;
  readonly maxChannelsPerConnection: number;
  record(frame: unknown): void;
  /** A frame that was not JSON arrived (`h`, `ping`, junk). */
  nonJson(): void;
  /** Runs a legacy stream API request; answers through `reply` (possibly later, possibly reordered). */
  streamApi(connection: EmulatedStreamConnection, id: string, endpoint: string, data: unknown): void;
  /** A channel `ch` message reached channel `name` (e.g. `requestLog` on `serverStats`). */
  channelMessage(connection: EmulatedStreamConnection, channelId: string, name: string, type: string, body: unknown): void;
}

/** One channel connected on a socket. */
export interface ConnectedChannel {
  name: string;
  params: Record<string, unknown>;
}

/**
 * The server side of one `/streaming` socket: connected channels by client-chosen id, per-note reference
 * counts (`subNote`/`s`/`sr` up, `unsubNote`/`un` down), and, in legacy mode, `capture`/`decapture` and `api`.
 * Everything malformed or unknown is ignored silently, as on Misskey 2026.3.2.
 * @example
 * ```ts
 * wss.on('connection', (ws) => world.connections.add(new EmulatedStreamConnection(ws, user, host)));
 * ```
 */
export class EmulatedStreamConnection {
  readonly channels = new Map<string, ConnectedChannel>();
  readonly noteRefs = new Map<string, number>();
  readonly captures = new Set<string>();
  lastPongAt = Date.now();
  /** While stalled: the frames to send and the client frames to handle once resumed. */
  private held: { outgoing: unknown[]; incoming: string[] } | undefined;

  constructor(
    readonly ws: WebSocket,
    readonly user: EmulatedUser | undefined,
    private readonly host: StreamConnectionHost,
  ) {
    ws.on('message', (data, isBinary) => this.receive(isBinary ? '' : data.toString()));
    ws.on('pong', () => {
      this.lastPongAt = Date.now();
    });
  }

  /** Whether the connection is stalled (see {@link EmulatedStreamConnection.stall}). */
  get stalled(): boolean {
    return this.held !== undefined;
  }

  /** Holds every frame to send and every client frame received, until {@link EmulatedStreamConnection.resume}. */
  stall(): void {
    this.held ??= { outgoing: [], incoming: [] };
  }

  /** Sends the held frames, then handles the held client frames, in order. */
  resume(): void {
    const held = this.held;
    this.held = undefined;
    for (const frame of held?.outgoing ?? []) this.send(frame);
    for (const text of held?.incoming ?? []) this.receive(text);
  }

  /** Sends a frame (object or pre-serialised string); holds it while stalled, drops it once closed. */
  send(frame: unknown): void {
    if (this.held) {
      this.held.outgoing.push(frame);
      return;
    }
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Writes pre-framed bytes straight to the TCP socket (benchmarks: keeps the server side nearly free). */
  writeRaw(bytes: Buffer): Promise<void> {
    const socket = (this.ws as unknown as { _socket: Socket })._socket;
    return new Promise((resolve, reject) => socket.write(bytes, (e) => (e ? reject(e) : resolve())));
  }

  /** Whether this socket follows `noteId` (current protocol subscription or legacy capture). */
  followsNote(noteId: string): boolean {
    return this.host.legacy ? this.captures.has(noteId) : this.noteRefs.has(noteId);
  }

  /** The channel ids of this socket connected to channel `name`. */
  channelIdsNamed(name: string): string[] {
    const ids: string[] = [];
    for (const [id, channel] of this.channels) if (channel.name === name) ids.push(id);
    return ids;
  }

  private receive(text: string): void {
    if (this.held) {
      this.held.incoming.push(text);
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.host.nonJson();
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    this.host.record(frame);
    const { type, body } = frame as { type?: unknown; body?: unknown };
    if (typeof type !== 'string') return;
    if (this.host.legacy && this.receiveLegacy(type, frame as Record<string, unknown>)) return;
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    switch (type) {
      case 'connect':
        return this.connect(b);
      case 'disconnect':
        if (typeof b['id'] === 'string') this.channels.delete(b['id']);
        return;
      case 'channel':
      case 'ch':
        return this.channelMessage(b);
      case 'subNote':
      case 's':
      case 'sr':
        if (!this.host.legacy && typeof b['id'] === 'string') this.noteRefs.set(b['id'], (this.noteRefs.get(b['id']) ?? 0) + 1);
        return;
      case 'unsubNote':
      case 'un':
        if (typeof b['id'] === 'string') this.unsubNote(b['id']);
        return;
      default:
        return;
    }
  }

  private receiveLegacy(type: string, frame: Record<string, unknown>): boolean {
    const id = frame['id'];
    if (typeof id !== 'string') return false;
    if (type === 'capture') this.captures.add(id);
    else if (type === 'decapture') this.captures.delete(id);
    else if (type === 'api' && typeof frame['endpoint'] === 'string') this.host.streamApi(this, id, frame['endpoint'], frame['data'] ?? {});
    else return false;
    return true;
  }

  private connect(body: Record<string, unknown>): void {
    const { channel, id, params, pong } = body;
    if (typeof channel !== 'string' || typeof id !== 'string') return;
    if (params !== undefined && (typeof params !== 'object' || params === null)) return;
    if (pong !== undefined && typeof pong !== 'boolean') return;
    if (!knownChannels.has(channel)) return;
    if (credentialChannels.has(channel) && this.user === undefined) return;
    if (sharedChannels.has(channel) && this.channelIdsNamed(channel).length > 0) return;
    if (!this.channels.has(id) && this.channels.size >= this.host.maxChannelsPerConnection) return;
    this.channels.set(id, { name: channel, params: (params ?? {}) as Record<string, unknown> });
    if (pong === true) this.send({ type: 'connected', body: { id } });
  }

  private channelMessage(body: Record<string, unknown>): void {
    const { id, type } = body;
    if (typeof id !== 'string' || typeof type !== 'string' || body['body'] === undefined) return;
    const channel = this.channels.get(id);
    if (channel) this.host.channelMessage(this, id, channel.name, type, body['body']);
  }

  private unsubNote(noteId: string): void {
    const count = this.noteRefs.get(noteId);
    if (count === undefined) return;
    if (count <= 1) this.noteRefs.delete(noteId);
    else this.noteRefs.set(noteId, count - 1);
  }
}

/**
 * Frames a text message as a server puts it on the wire (FIN, text opcode, unmasked, uncompressed; RFC 6455 §5.2).
 *
 * @example
 * ```ts
 * const bytes = frameText('{"type":"channel","body":{"id":"c1","type":"note","body":{}}}');
 * ```
 */
export function frameText(text: string | Buffer, binary = false): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = binary ? 0x82 : 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}
