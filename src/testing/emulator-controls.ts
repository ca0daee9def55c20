/**
 * The counters every emulator's `stats()` returns, with the same meaning on all three; each emulator adds
 * its own fields.
 *
 * @example
 * ```ts
 * await emulator.waitFor(() => emulator.stats().openStreams === 0, 'every stream closed');
 * expect(emulator.stats().connections).toBe(0);
 * ```
 */
export interface EmulatorStats {
  /** TCP connections open right now (mixi2: to the stream relay; Misskey: `/streaming` sockets; Momento: to its port). */
  connections: number;
  /** Streams open right now (mixi2: `SubscribeEvents` calls; Misskey: `/streaming` sockets; Momento: `Subscribe` calls). */
  openStreams: number;
  /** Streams asked for so far, refused ones included (mixi2: `SubscribeEvents` calls; Misskey: upgrade requests; Momento: `Subscribe` calls). */
  streamRequests: number;
  /** Request/response API calls received so far, refused ones included (mixi2: unary RPCs; Misskey: HTTP `POST /api/*`; Momento: Publish and cache RPCs). */
  calls: number;
}

/**
 * How `endStreams` ends a stream: a status code and a text. gRPC emulators take a gRPC status (OK is a clean
 * end of stream); the Misskey emulator takes a WebSocket close code (1000 is a normal closure).
 *
 * @example
 * ```ts
 * mixi2.endStreams({ code: status.UNAVAILABLE, details: 'maintenance' });
 * misskey.endStreams({ code: 1012, details: 'service restart' });
 * ```
 */
export interface StreamEnding<Code extends number = number> {
  /** The status (gRPC) or close code (WebSocket). @default gRPC OK / WebSocket 1000 */
  code?: Code;
  /** The status details (gRPC) or close reason (WebSocket). @default the emulator's own text */
  details?: string;
}

/**
 * Options of `failNext`.
 *
 * @example
 * ```ts
 * emulator.failNext(2, { endpoint: 'notes/create', code: 503 });
 * ```
 */
export interface FailNextOptions<Endpoint extends string = string, Code extends number = number> {
  /** Only calls of this endpoint (Misskey `notes/create`) or RPC (mixi2 `CreatePost`, Momento `publish`) fail. @default any call */
  endpoint?: Endpoint;
  /** The failure: a gRPC status, or an HTTP status for Misskey. @default gRPC INTERNAL / HTTP 500 */
  code?: Code;
  /** The error text (gRPC details; Misskey keeps its INTERNAL_ERROR body). @default the emulator's own text */
  details?: string;
}

/**
 * Options of `rateLimitNext`.
 *
 * @example
 * ```ts
 * emulator.rateLimitNext(1, { endpoint: 'CreatePost', retryAfterSeconds: 7 });
 * ```
 */
export interface RateLimitNextOptions<Endpoint extends string = string> {
  /** Only calls of this endpoint or RPC are limited. @default any call */
  endpoint?: Endpoint;
  /** The wait the answer asks for, in seconds (`retry-after` metadata or `Retry-After` header). @default 1 */
  retryAfterSeconds?: number;
}

/**
 * The controls the three emulators share, with the same names and shapes: cut or end connections, hold
 * traffic, refuse credentials, fail or rate-limit the next calls, read counters and wait for a condition.
 * What each one means for one service's protocol is in the testing guide's "Emulator controls" table.
 *
 * @example
 * ```ts
 * async function survivesADrop(emulator: EmulatorControls) {
 *   const before = emulator.stats().streamRequests;
 *   emulator.dropConnections();
 *   await emulator.waitFor(() => emulator.stats().streamRequests > before && emulator.stats().openStreams > 0);
 * }
 * ```
 */
export interface EmulatorControls<
  Endpoint extends string = string,
  Code extends number = number,
  Stats extends EmulatorStats = EmulatorStats,
> {
  /** Cuts every TCP connection abruptly, as a network failure does; returns how many were cut. */
  dropConnections(): number;
  /** Ends every open stream cleanly or with a status; returns how many were ended. */
  endStreams(ending?: StreamEnding<Code>): number;
  /** Holds traffic (see each emulator for what exactly) until the returned function is called. */
  stall(): () => void;
  /** While on, every credential is refused on every entry point, even valid ones. */
  rejectCredentials(on?: boolean): void;
  /** Answers the next `count` API calls with a server error instead of serving them. */
  failNext(count: number, options?: FailNextOptions<Endpoint, Code>): void;
  /** Answers the next `count` API calls with the service's rate-limit answer. */
  rateLimitNext(count: number, options?: RateLimitNextOptions<Endpoint>): void;
  /** The emulator's counters right now. */
  stats(): Stats;
  /** Resolves once `condition()` holds; rejects after `timeoutMs` naming `description`. */
  waitFor(condition: () => boolean, description?: string, timeoutMs?: number): Promise<void>;
}
