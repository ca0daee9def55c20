import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type * as entities from 'misskey-js/entities.js';
import { WebSocketServer } from 'ws';
import type { RateRule } from '../../core/rate-rule.js';
import { callEndpoint } from './api-endpoints.js';
import { EndpointRateLimiter } from './endpoint-rate-limiter.js';
import type { EmulatedUser } from './builders.js';
import { misskeyErrors } from './errors.js';
import { EmulatedHttpApi, type RecordedApiCall } from './http-api.js';
import { EmulatedStreamConnection, frameText, type StreamConnectionHost } from './stream-connection.js';
import { MisskeyWorld, type NoteDraft } from './world.js';
import type { EmulatorControls, FailNextOptions, RateLimitNextOptions, StreamEnding } from '../emulator-controls.js';
import { everyMs, waitForCondition } from '../wait-for-condition.js';
import { misskeyStatsOf, type MisskeyEmulatorStats } from './emulator-stats.js';

/** Options of {@link startMisskeyEmulator}. */
export interface MisskeyEmulatorOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /**
   * `'current'`: the protocol of Misskey 2026.3.2 (§9 of the fact sheet). `'legacy'`: additionally the seed
   * document's stream API (`api` → `api-res:<id>` with `{res}` or `{e}`) and note capture (`capture`/`decapture` →
   * `note-updated` with the whole note) instead of `subNote`/`noteUpdated`; channels work as in the current protocol.
   * @default 'current'
   */
  protocol?: 'current' | 'legacy';
  /** Users and their tokens. @default admin (token "admin-token") and alice (token "alice-token") */
  users?: ReadonlyArray<{
    /** The user's username (also the key of {@link MisskeyEmulator.users}). */
    username: string;
    /** The access token that authenticates as this user (`?i=` on the socket, `i` or Bearer on the HTTP API). */
    token: string;
  }>;
  /** Channels one socket may hold; further `connect`s are ignored silently (some servers enforce 32). @default Infinity */
  maxChannelsPerConnection?: number;
  /** Interval of the server's protocol pings and of its dead-socket sweep, in ms. @default 60000 */
  pingIntervalMs?: number;
  /** A socket whose last pong is older than this is terminated, in ms. @default 120000 */
  pongTimeoutMs?: number;
  /** Keep every client→server frame and HTTP call for inspection (turn off for benchmarks). @default true */
  record?: boolean;
  /**
   * Per-endpoint rate limits, per user (per address for anonymous calls), as a server since 2025.5 applies
   * them: each rule `{ limit, window }` (Misskey's `{ max, duration }`; `{ limit: 1, window: minInterval }`
   * for a minimum interval) is a bucket of `limit` calls draining one every `window / limit` ms. A call
   * over a limit gets 429 `RATE_LIMIT_EXCEEDED` with `Retry-After` and `info` `{ remaining, reset, resetMs,
   * total }`, and is not counted. A real server limits `notes/create` to 300 per hour for a normal user.
   * @default {} (no limits)
   */
  rateLimits?: Readonly<Record<string, readonly RateRule[]>>;
  /**
   * The clock of the rate limits and of `info.resetMs`, in ms since the epoch: give a virtual-time test's
   * `() => scheduler.now()` (the client's scheduler) so that limits pass without waiting.
   * @default Date.now
   */
  now?: () => number;
}

/** Which sockets a flood goes to. */
export interface FloodOptions {
  /** Only the sockets authenticated as this username. @default every socket */
  to?: string;
}

/** A flood built in advance: `write()` puts the same bytes on the same sockets each time it is called. */
export interface PreparedFlood {
  /** Frames one `write()` sends over all target sockets. */
  readonly frames: number;
  /** Writes the prepared bytes to the target sockets; resolves once they are written. */
  write(): Promise<void>;
}

/**
 * A running Misskey emulator and its controls.
 *
 * @example
 * ```ts
 * emulator.endStreams({ code: 1012 });                                   // sockets close, the client reconnects
 * emulator.rateLimitNext(1, { endpoint: 'notes/create' });               // 429 with Retry-After: 1
 * await emulator.waitFor(() => emulator.stats().openStreams === 0);      // after unsubscribing
 * ```
 */
export interface MisskeyEmulator extends EmulatorControls<string, number, MisskeyEmulatorStats> {
  /** `http://127.0.0.1:<port>`: what a client takes as `origin`. */
  readonly origin: string;
  /** The TCP port the emulator listens on (the one picked when `port` was 0). */
  readonly port: number;
  /** The emulated users by username. */
  readonly users: Readonly<Record<string, EmulatedUser>>;
  /** Every frame clients sent (parsed JSON objects), when recording. */
  readonly received: unknown[];
  /** Every HTTP API call, when recording. */
  readonly apiCalls: RecordedApiCall[];
  /** Frames of one `type` the clients sent, when recording. */
  receivedOfType(type: string): Array<{
    /** The frame's `type`. */
    type: string;
    /** The frame's `body`, if any. */
    body?: unknown;
    [key: string]: unknown;
  }>;
  /**
   * Makes a packed note (e.g. `buildMisskeyNote(...)`) known to the API (`notes/show`, reactions, votes,
   * replies) without publishing it; an unknown author is added as a user who cannot sign in. Reaction counts
   * are not carried over.
   */
  registerNote(note: entities.Note): void;
  /** Posts a note as `username` and fans it out to the timeline channels. */
  createNote(username: string, draft?: NoteDraft): entities.Note;
  /** Adds `username`'s reaction to a note: `reacted` to its subscribers, a `reaction` notification to its author's `main`; throws if the note is unknown or already has a reaction by that user. */
  react(noteId: string, username: string, reaction: string): void;
  /** Removes `username`'s reaction from a note (`unreacted`); throws if there is none. */
  unreact(noteId: string, username: string): void;
  /** Votes for poll choice `choice` (0-based) as `username` (`pollVoted`); throws if the note has no poll, the user voted already or the choice is out of range. */
  vote(noteId: string, username: string, choice: number): void;
  /** Edits a note: sends the server's experimental `updated` event. */
  updateNote(noteId: string, text: string, cw?: string | null): void;
  /** Deletes a note (`deleted` to its subscribers); throws if the note is unknown. */
  deleteNote(noteId: string): void;
  /** Makes one user follow another, so the followee's notes reach the follower's home timeline. */
  follow(followerUsername: string, followeeUsername: string): void;
  /** Creates `owner`'s user list of `members`; returns its id (the `userList` channel's and `notes/user-list-timeline`'s `listId`). */
  createUserList(owner: string, members: readonly string[]): string;
  /** Creates `owner`'s antenna matching note texts with `keywords` (outer array OR, inner AND); returns its id (`antennaId`). */
  createAntenna(owner: string, keywords: ReadonlyArray<ReadonlyArray<string>>): string;
  /** Creates a Misskey channel to post notes to (`createNote(…, { channelId })`); returns its id (`channelId`). */
  createChannel(): string;
  /** Creates a public role held by `members`; returns its id (the `roleTimeline` channel's and `roles/notes`' `roleId`). */
  createRole(members: readonly string[]): string;
  /** Sends a broadcast frame (`emojiAdded`, `emojiUpdated`, `emojiDeleted`, `announcementCreated`) to every socket. */
  broadcast(type: string, body: unknown): void;
  /** Sends a channel event to every channel named `channelName`. */
  emit(channelName: string, type: string, body: unknown): void;
  /** Sends a raw text frame (anything, JSON or not) to every socket. */
  sendRaw(text: string): void;
  /** Writes a frame with arbitrary payload bytes (e.g. invalid UTF-8 in a text frame, or a binary frame) to every socket. */
  sendRawBytes(payload: Buffer, options?: { binary?: boolean }): Promise<void>;
  /** Kills every open socket without a close frame (the client sees 1006 and reconnects); returns how many. */
  dropConnections(): number;
  /**
   * Closes every open socket with a close frame: `code` (a WebSocket close code, 1000 by default) and
   * `details` as the close reason. Returns how many.
   */
  endStreams(ending?: StreamEnding): number;
  /** Refuses further upgrades with this HTTP status (401, 403, 500, …); `null` accepts again. */
  refuseUpgrades(status: number | null): void;
  /**
   * Makes every open socket silent: frames to send (no pings either) and client frames are held; it still
   * notices being closed. New sockets and the HTTP API are normal. The returned function sends the held
   * frames, handles the held client frames and lets the sockets speak again.
   */
  stall(): () => void;
  /**
   * While on (`on` defaults to true), every token is refused: WebSocket upgrades carrying one get 401, HTTP
   * calls carrying one get 401 AUTHENTICATION_FAILED. Anonymous access is unaffected; open sockets stay open.
   */
  rejectCredentials(on?: boolean): void;
  /**
   * Answers the next `count` HTTP API calls (of `endpoint`, e.g. `'notes/create'`, if given) with an HTTP
   * `code` (500 by default) and Misskey's INTERNAL_ERROR body.
   */
  failNext(count: number, options?: FailNextOptions): void;
  /** Answers the next `count` HTTP API calls (of `endpoint`, if given) with 429 RATE_LIMIT_EXCEEDED, `Retry-After` and `info.resetMs` (on the `now` clock). */
  rateLimitNext(count: number, options?: RateLimitNextOptions): void;
  /** Holds legacy stream API requests instead of answering them. */
  holdStreamApi(): void;
  /** Answers every held legacy request, in arrival order or shuffled, and stops holding. */
  releaseStreamApi(options?: { shuffle?: boolean }): void;
  /**
   * Sends `count` pre-framed copies of `message` to every channel named `channelName` (of the sockets of user
   * `to`, if given), written straight to TCP so the emulator costs next to nothing; resolves with the number
   * of frames once written.
   */
  floodChannel(channelName: string, message: { type: string; body: unknown }, count: number, options?: FloodOptions): Promise<number>;
  /** Sends `count` pre-framed frames cycling through `frames` to every socket (of user `to`, if given); resolves when written. */
  floodFrames(frames: readonly string[], count: number, options?: FloodOptions): Promise<void>;
  /** Builds the bytes of a {@link floodChannel} now (for the channels connected now), to write later and repeatedly. */
  prepareChannelFlood(channelName: string, message: { type: string; body: unknown }, count: number, options?: FloodOptions): PreparedFlood;
  /** Builds the bytes of a {@link floodFrames} now (for the sockets open now), to write later and repeatedly. */
  prepareFrameFlood(frames: readonly string[], count: number, options?: FloodOptions): PreparedFlood;
  /** What the emulator holds right now (sockets, channels, note subscriptions, held requests) and its counters. */
  stats(): MisskeyEmulatorStats;
  /** Resolves once `condition()` holds (checked now and every few ms); rejects after `timeoutMs` (default 5000). */
  waitFor(condition: () => boolean, description?: string, timeoutMs?: number): Promise<void>;
  /** Stops the server and kills every socket. */
  close(): Promise<void>;
}

const defaultUsers = [
  { username: 'admin', token: 'admin-token' },
  { username: 'alice', token: 'alice-token' },
];

function refuseUpgrade(socket: Duplex, status: number): void {
  const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Error';
  const auth = status === 401 ? 'WWW-Authenticate: Bearer realm="Misskey", error="invalid_token", error_description="Failed to authenticate"\r\n' : '';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${auth}Content-Length: 0\r\nConnection: close\r\n\r\n`);
}

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7);
  return url.searchParams.has('i') ? (url.searchParams.get('i') ?? '') : undefined;
}

function repeatFrames(frames: readonly Buffer[], count: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) parts.push(frames[i % frames.length] as Buffer);
  return Buffer.concat(parts);
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * Starts a Misskey emulator on 127.0.0.1: `/streaming` WebSocket and `POST /api/<endpoint>` reproducing the
 * frames observed on Misskey 2026.3.2 (`connect`/`connected` with `pong`, silent rejection, `ch`, `subNote`
 * reference counts, `noteUpdated`, broadcasts, 401 on a bad upgrade token), with controls to post, react,
 * delete, broadcast and inject faults. `protocol: 'legacy'` adds the seed document's stream API and capture.
 *
 * @example
 * ```ts
 * const emulator = await startMisskeyEmulator();
 * const client = misskey({ origin: emulator.origin, token: emulator.users.admin.token });
 * client.channel('localTimeline').subscribe((m) => console.log(m.body.text));
 * emulator.createNote('alice', { text: 'hello' });
 * await emulator.close();
 * ```
 */
export async function startMisskeyEmulator(options: MisskeyEmulatorOptions = {}): Promise<MisskeyEmulator> {
  const { port = 0, protocol = 'current', maxChannelsPerConnection = Infinity, pingIntervalMs = 60_000, pongTimeoutMs = 120_000, record = true } = options;
  const legacy = protocol === 'legacy';
  const world = new MisskeyWorld(legacy);
  const users: Record<string, EmulatedUser> = {};
  for (const { username, token } of options.users ?? defaultUsers) {
    const user = { id: world.nextId(), username, token };
    users[username] = user;
    world.store.addUser(user);
  }
  const userNamed = (username: string): EmulatedUser => {
    const user = users[username];
    if (!user) throw new Error(`no such emulated user: ${username}`);
    return user;
  };
  const now = options.now ?? Date.now;
  const http = new EmulatedHttpApi(world, record, new EndpointRateLimiter(options.rateLimits ?? {}, now));
  const received: unknown[] = [];
  let refusal: number | null = null;
  let upgrades = 0;
  let upgradeAttempts = 0;
  let nonJsonFrames = 0;
  let held: Array<() => void> | undefined;

  const host: StreamConnectionHost = {
    legacy,
    maxChannelsPerConnection,
    record: (frame) => {
      if (record) received.push(frame);
    },
    nonJson: () => {
      nonJsonFrames += 1;
    },
    streamApi: (connection, id, endpoint, data) => {
      const answer = () => {
        const params = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
        const result = callEndpoint(world, endpoint, params, connection.user) ?? misskeyErrors.unknownRoute(endpoint);
        const ok = result.status < 300;
        const error = (result.body as { error?: unknown } | undefined)?.error ?? result.body;
        connection.send({ type: `api-res:${id}`, body: ok ? { res: result.body ?? null } : { e: error } });
      };
      if (held) held.push(answer);
      else answer();
    },
    channelMessage: (connection, channelId, name, type) => {
      if ((name === 'serverStats' || name === 'queueStats') && type === 'requestLog') {
        connection.send({ type: 'channel', body: { id: channelId, type: 'statsLog', body: [] } });
      }
    },
  };

  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer((req, res) => {
    http.handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgradeAttempts += 1;
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname !== '/streaming') return refuseUpgrade(socket, 400);
    if (refusal !== null) return refuseUpgrade(socket, refusal);
    const token = tokenOf(req, url);
    const user = token === undefined ? undefined : world.store.usersByToken.get(token);
    if (token !== undefined && (!user || http.rejectCredentials)) return refuseUpgrade(socket, 401);
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgrades += 1;
      const connection = new EmulatedStreamConnection(ws, user, host);
      world.connections.add(connection);
      ws.on('close', () => world.connections.delete(connection));
      ws.on('error', () => ws.terminate());
    });
  });
  const sweep = setInterval(() => {
    for (const connection of world.connections) {
      if (connection.stalled) continue;
      if (Date.now() - connection.lastPongAt > pongTimeoutMs) connection.ws.terminate();
      else connection.ws.ping();
    }
  }, pingIntervalMs);
  sweep.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  world.origin = `http://127.0.0.1:${boundPort}`;

  const targets = (to: string | undefined): EmulatedStreamConnection[] => [...world.connections].filter((c) => to === undefined || c.user?.username === to);
  const prepared = (writes: Array<{ connection: EmulatedStreamConnection; bytes: Buffer }>, frames: number): PreparedFlood => ({
    frames,
    write: async () => {
      await Promise.all(writes.map(({ connection, bytes }) => connection.writeRaw(bytes)));
    },
  });
  const prepareChannelFlood = (channelName: string, message: { type: string; body: unknown }, count: number, { to }: FloodOptions = {}): PreparedFlood => {
    const writes: Array<{ connection: EmulatedStreamConnection; bytes: Buffer }> = [];
    for (const connection of targets(to)) {
      for (const id of connection.channelIdsNamed(channelName)) {
        const frame = frameText(JSON.stringify({ type: 'channel', body: { id, type: message.type, body: message.body } }));
        writes.push({ connection, bytes: repeatFrames([frame], count) });
      }
    }
    return prepared(writes, writes.length * count);
  };
  const prepareFrameFlood = (frames: readonly string[], count: number, { to }: FloodOptions = {}): PreparedFlood => {
    const bytes = repeatFrames(frames.map((frame) => frameText(frame)), count);
    const writes = targets(to).map((connection) => ({ connection, bytes }));
    return prepared(writes, writes.length * count);
  };

  const userIdsOf = (usernames: readonly string[]): Set<string> => new Set(usernames.map((name) => userNamed(name).id));
  /** A fresh id, registered with the store by `register`. */
  const created = (register: (id: string) => unknown): string => {
    const id = world.nextId();
    register(id);
    return id;
  };

  const noteIdChecked = (noteId: string, done: boolean, what: string): void => {
    if (!done) throw new Error(`${what} had no effect on note ${noteId}`);
  };

  return {
    origin: world.origin,
    port: boundPort,
    users,
    received,
    apiCalls: http.calls,
    receivedOfType: (type) => received.filter((f) => (f as { type?: unknown }).type === type) as never,
    registerNote: (note) => {
      world.registerNote(note);
    },
    createNote: (username, draft = {}) => world.pack(world.createNote(userNamed(username).id, draft)),
    react: (noteId, username, reaction) => noteIdChecked(noteId, world.react(noteId, userNamed(username).id, reaction), 'react'),
    unreact: (noteId, username) => noteIdChecked(noteId, world.unreact(noteId, userNamed(username).id), 'unreact'),
    vote: (noteId, username, choice) => noteIdChecked(noteId, world.vote(noteId, userNamed(username).id, choice), 'vote'),
    updateNote: (noteId, text, cw = null) => noteIdChecked(noteId, world.updateNote(noteId, text, cw), 'update'),
    deleteNote: (noteId) => noteIdChecked(noteId, world.deleteNote(noteId), 'delete'),
    follow: (a, b) => world.store.follow(userNamed(a).id, userNamed(b).id),
    createUserList: (owner, members) => created((id) => world.store.userLists.set(id, { ownerId: userNamed(owner).id, userIds: userIdsOf(members) })),
    createAntenna: (owner, keywords) =>
      created((id) => world.store.antennas.set(id, { ownerId: userNamed(owner).id, keywords: keywords.map((all) => all.map((k) => k.toLowerCase())) })),
    createChannel: () => created((id) => world.store.noteChannels.add(id)),
    createRole: (members) => created((id) => world.store.roles.set(id, userIdsOf(members))),
    broadcast: (type, body) => world.broadcast(type, body),
    emit: (channelName, type, body) => world.emit(channelName, type, body),
    sendRaw: (text) => {
      for (const connection of world.connections) connection.send(text);
    },
    sendRawBytes: async (payload, { binary = false } = {}) => {
      const bytes = frameText(payload, binary);
      await Promise.all([...world.connections].map((c) => c.writeRaw(bytes)));
    },
    dropConnections: () => {
      const open = [...world.connections];
      for (const connection of open) connection.ws.terminate();
      return open.length;
    },
    endStreams: ({ code = 1000, details = '' } = {}) => {
      const open = [...world.connections];
      for (const connection of open) connection.ws.close(code, details);
      return open.length;
    },
    refuseUpgrades: (status) => {
      refusal = status;
    },
    stall: () => {
      const stalled = [...world.connections].filter((connection) => !connection.stalled);
      for (const connection of stalled) connection.stall();
      return () => {
        for (const connection of stalled) connection.resume();
      };
    },
    rejectCredentials: (on = true) => {
      http.rejectCredentials = on;
    },
    failNext: (count, { endpoint, code = 500 } = {}) => http.scripted.add(count, endpoint, () => ({ ...misskeyErrors.internal(), status: code })),
    rateLimitNext: (count, { endpoint, retryAfterSeconds = 1 } = {}) => http.scripted.add(count, endpoint, () => misskeyErrors.rateLimited(retryAfterSeconds, now())),
    holdStreamApi: () => {
      held ??= [];
    },
    releaseStreamApi: ({ shuffle: reorder = false } = {}) => {
      const answers = held ?? [];
      held = undefined;
      for (const answer of reorder ? shuffle(answers) : answers) answer();
    },
    floodChannel: (channelName, message, count, options) => {
      const flood = prepareChannelFlood(channelName, message, count, options);
      return flood.write().then(() => flood.frames);
    },
    floodFrames: (frames, count, options) => prepareFrameFlood(frames, count, options).write(),
    prepareChannelFlood,
    prepareFrameFlood,
    stats: () =>
      misskeyStatsOf(world.connections, {
        streamRequests: upgradeAttempts,
        upgrades,
        calls: http.received,
        nonJsonFrames,
        heldStreamApi: held?.length ?? 0,
        driveFiles: world.drive.files.size,
        uploads: http.uploads,
        abortedUploads: http.abortedUploads,
      }),
    waitFor: (condition, description = 'a condition', timeoutMs = 5000) =>
      waitForCondition(condition, { changes: everyMs(5), description, timeoutMs, emulator: 'misskey' }),
    close: async () => {
      clearInterval(sweep);
      for (const connection of world.connections) connection.ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
