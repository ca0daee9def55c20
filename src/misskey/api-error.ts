import { ApiError, AuthenticationError, PermissionError, RateLimitError, type StreamRxError } from '../core/errors.js';

/** Misskey's error body, `{ error: { message, code, id, kind, info } }` without the wrapper. */
export interface MisskeyErrorBody {
  /** Human-readable description of the error. */
  message?: string;
  /** Error code, e.g. `NO_SUCH_NOTE` (not unique across endpoints). */
  code?: string;
  /** Error id (a UUID), the stable key to match on. */
  id?: string;
  /** Who is at fault: `client`, `server` or `permission`. */
  kind?: 'client' | 'server' | 'permission' | string;
  /** Extra details, e.g. `INVALID_PARAM`'s `param` and `reason`. */
  info?: unknown;
}

/**
 * An error answer of a Misskey endpoint, with the server's `code`, `id` (match on `id`: codes are not
 * unique), `kind` and `info`. Retryable for server errors (5xx) only.
 *
 * @example
 * ```ts
 * client.api('notes/show', { noteId }).pipe(catchError((e) =>
 *   e instanceof MisskeyApiError && e.errorId === '24fcbfc6-2e37-42b6-8388-c29b3861a08d' ? of(null) : throwError(() => e)));
 * ```
 */
export class MisskeyApiError extends ApiError {
  /** The endpoint that failed. */
  readonly endpoint: string;
  /** Misskey's error code, e.g. `NO_SUCH_NOTE` (empty when the body was not a Misskey error). */
  readonly errorCode: string;
  /** Misskey's error id (a UUID), the stable key. */
  readonly errorId: string;
  /** `client`, `server` or `permission` (empty when unknown). */
  readonly kind: string;
  /** Extra details (`INVALID_PARAM`'s `param`/`reason`, …). */
  readonly info: unknown;

  constructor(endpoint: string, error: MisskeyErrorBody, status: number | undefined) {
    const code = error.code ?? 'UNKNOWN';
    super(`${endpoint} failed${status === undefined ? '' : ` (${status})`}: ${code}${error.message ? `: ${error.message}` : ''}`, error, {
      status,
      retryable: status !== undefined && status >= 500,
    });
    this.endpoint = endpoint;
    this.errorCode = error.code ?? '';
    this.errorId = error.id ?? '';
    this.kind = error.kind ?? '';
    this.info = error.info;
  }
}

function asErrorBody(body: unknown): MisskeyErrorBody | undefined {
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === 'object' && error !== null ? (error as MisskeyErrorBody) : undefined;
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Maps a failed Misskey answer to a typed error: 401 → {@link AuthenticationError}, 403 →
 * {@link PermissionError}, 429 → {@link RateLimitError} with `Retry-After`, anything else →
 * {@link MisskeyApiError}. The server's error is kept as `cause` of the first three.
 *
 * @example
 * ```ts
 * misskeyErrorOf('notes/create', 429, body, '3'); // RateLimitError, retryAfterMs 3000
 * ```
 */
export function misskeyErrorOf(endpoint: string, status: number | undefined, body: unknown, retryAfter?: string): StreamRxError {
  const error = asErrorBody(body) ?? (typeof body === 'object' && body !== null && status === undefined ? (body as MisskeyErrorBody) : {});
  const apiError = new MisskeyApiError(endpoint, error, status);
  const kind = error.kind;
  if (status === 401 || error.code === 'AUTHENTICATION_FAILED' || error.code === 'CREDENTIAL_REQUIRED') {
    return new AuthenticationError(`${endpoint}: ${error.code ?? 'unauthorized'} (401)`, { cause: apiError });
  }
  if (status === 403 || kind === 'permission') return new PermissionError(`${endpoint}: ${error.code ?? 'forbidden'} (403)`, { cause: apiError });
  if (status === 429 || error.code === 'RATE_LIMIT_EXCEEDED') {
    const wait = retryAfterMs(retryAfter);
    return new RateLimitError(`${endpoint}: rate limited${wait === undefined ? '' : `, retry after ${wait} ms`}`, wait === undefined ? { cause: apiError } : { cause: apiError, retryAfterMs: wait });
  }
  return apiError;
}
