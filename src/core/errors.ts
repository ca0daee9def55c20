/**
 * Stable machine-readable codes of every {@link StreamRxError}.
 */
export type StreamRxErrorCode =
  | 'AUTHENTICATION'
  | 'PERMISSION'
  | 'RATE_LIMIT'
  | 'PROTOCOL'
  | 'CONNECTION_LOST'
  | 'IDLE_TIMEOUT'
  | 'REQUEST_TIMEOUT'
  | 'API'
  | 'CHANNEL_REJECTED'
  | 'INVALID_ARGUMENT'
  | 'RATE_LIMIT_QUEUE_FULL'
  | 'CURSOR_STORE';

/** Options shared by every streamrx error constructor. */
export interface StreamRxErrorOptions {
  /** The lower-level error that led to this one (never shown in `message`). */
  cause?: unknown;
}

/**
 * Base class of every error streamrx emits. `code` is stable across versions; `retryable` tells the
 * backoff operators whether trying again can help.
 *
 * @example
 * ```ts
 * source$.pipe(catchError((e) => (e instanceof StreamRxError && e.code === 'AUTHENTICATION' ? EMPTY : throwError(() => e))));
 * ```
 */
export class StreamRxError extends Error {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name: string = 'StreamRxError';

  constructor(
    /** Stable identifier of the failure kind. */
    readonly code: StreamRxErrorCode,
    message: string,
    /** Whether a retry may succeed. */
    readonly retryable: boolean,
    options: StreamRxErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/**
 * The service refused the credentials (bad client secret, revoked token, refused WebSocket upgrade).
 * Not retryable: retrying with the same credentials only hammers the service.
 *
 * @example
 * ```ts
 * throw new AuthenticationError('token endpoint rejected the client (401)');
 * ```
 */
export class AuthenticationError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'AuthenticationError';
  constructor(message: string, options?: StreamRxErrorOptions) {
    super('AUTHENTICATION', message, false, options);
  }
}

/**
 * The credentials are valid but lack the permission for this call or stream. Not retryable.
 *
 * @example
 * ```ts
 * throw new PermissionError('PERMISSION_DENIED on SubscribeEvents');
 * ```
 */
export class PermissionError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'PermissionError';
  constructor(message: string, options?: StreamRxErrorOptions) {
    super('PERMISSION', message, false, options);
  }
}

/** Options of {@link RateLimitError}. */
export interface RateLimitErrorOptions extends StreamRxErrorOptions {
  /** How long the service asked us to wait, when it said so (Retry-After). */
  retryAfterMs?: number;
}

/**
 * The service rate-limited the call. Retryable; `retryAfterMs` is the wait the service asked for, which
 * {@link retryBackoff} honours as a lower bound of its delay.
 *
 * @example
 * ```ts
 * throw new RateLimitError('notes/create rate-limited', { retryAfterMs: 2000 });
 * ```
 */
export class RateLimitError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'RateLimitError';
  /** The wait the service asked for, in milliseconds, if it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: RateLimitErrorOptions = {}) {
    super('RATE_LIMIT', message, true, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * A frame or message broke the protocol (not JSON, missing fields, undecodable bytes, bad signature).
 * Not retryable: the same input fails the same way.
 *
 * @example
 * ```ts
 * throw new ProtocolError('frame has no "type"');
 * ```
 */
export class ProtocolError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'ProtocolError';
  constructor(message: string, options?: StreamRxErrorOptions) {
    super('PROTOCOL', message, false, options);
  }
}

/**
 * The connection dropped (socket closed, stream ended with UNAVAILABLE, network error). Retryable.
 *
 * @example
 * ```ts
 * throw new ConnectionLostError('socket closed (1006)');
 * ```
 */
export class ConnectionLostError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'ConnectionLostError';
  constructor(message = 'connection lost', options?: StreamRxErrorOptions) {
    super('CONNECTION_LOST', message, true, options);
  }
}

/**
 * Nothing (no value, no heartbeat) arrived for `idleMs`: the connection is presumed dead. Retryable.
 *
 * @example
 * ```ts
 * throw new IdleTimeoutError(60_000);
 * ```
 */
export class IdleTimeoutError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'IdleTimeoutError';
  constructor(
    /** The silence that was allowed, in milliseconds. */
    readonly idleMs: number,
    options?: StreamRxErrorOptions,
  ) {
    super('IDLE_TIMEOUT', `no message or heartbeat for ${idleMs} ms`, true, options);
  }
}

/**
 * A request got no response in time. Retryable only where the request is idempotent, so the request
 * helpers never retry it by themselves.
 *
 * @example
 * ```ts
 * throw new RequestTimeoutError('no response to request 42 within 10000 ms');
 * ```
 */
export class RequestTimeoutError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'RequestTimeoutError';
  constructor(message: string, options?: StreamRxErrorOptions) {
    super('REQUEST_TIMEOUT', message, true, options);
  }
}

/** Options of {@link ApiError}. */
export interface ApiErrorOptions extends StreamRxErrorOptions {
  /** The HTTP status or gRPC status code, when there is one. */
  status?: number;
  /** Whether retrying may help. @default false */
  retryable?: boolean;
}

/**
 * The service answered with its own error (Misskey's `{ error: { code, id, message } }`, a gRPC status with
 * details). `body` is the service's error body as received.
 *
 * @example
 * ```ts
 * throw new ApiError('notes/create failed: NO_SUCH_NOTE', { code: 'NO_SUCH_NOTE' }, { status: 400 });
 * ```
 */
export class ApiError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'ApiError';
  /** The HTTP status or gRPC status code, when there is one. */
  readonly status: number | undefined;
  constructor(
    message: string,
    /** The service's own error body. */
    readonly body: unknown,
    options: ApiErrorOptions = {},
  ) {
    super('API', message, options.retryable ?? false, options);
    this.status = options.status;
  }
}

/**
 * A channel subscription was not acknowledged: the server rejects silently when the channel is unknown,
 * a credential or permission is missing, or the per-socket channel cap is reached. Not retryable.
 *
 * @example
 * ```ts
 * throw new ChannelRejectedError('homeTimeline', 5000);
 * ```
 */
export class ChannelRejectedError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'ChannelRejectedError';
  constructor(
    /** The channel that was refused. */
    readonly channel: string,
    /** How long the acknowledgement was awaited, in milliseconds. */
    readonly waitedMs: number,
    options?: StreamRxErrorOptions,
  ) {
    super('CHANNEL_REJECTED', `channel "${channel}" was not acknowledged within ${waitedMs} ms`, false, options);
  }
}

/**
 * An argument or input was invalid (a bad option, an oversized value). Not retryable.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError('value exceeds 4 KB');
 * ```
 */
export class InvalidArgumentError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'InvalidArgumentError';
  constructor(message: string, options?: StreamRxErrorOptions) {
    super('INVALID_ARGUMENT', message, false, options);
  }
}

/**
 * More calls or values wait for their rate limit than the queue holds (`maxQueued` of {@link rateLimit} or
 * {@link RateGovernor}): the work arrives faster than the limit lets it out. Not retryable: a retry would
 * only add to the queue that is full; shed load or raise `maxQueued` instead.
 *
 * @example
 * ```ts
 * throw new RateLimitQueueFullError(10_000);
 * ```
 */
export class RateLimitQueueFullError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'RateLimitQueueFullError';
  constructor(
    /** How many were allowed to wait. */
    readonly maxQueued: number,
    options?: StreamRxErrorOptions,
  ) {
    super('RATE_LIMIT_QUEUE_FULL', `rate-limit queue is full: ${maxQueued} already waiting`, false, options);
  }
}

/**
 * Whether an error says of itself that retrying cannot help (`retryable === false`).
 *
 * @example
 * ```ts
 * isTerminal(new AuthenticationError('no')); // true
 * isTerminal(new Error('ECONNRESET'));       // false
 * ```
 */
export function isTerminal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false;
}
