import { Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import {
  ApiError,
  AuthenticationError,
  ConnectionLostError,
  PermissionError,
  RateLimitError,
  RequestTimeoutError,
  StreamRxError,
} from '../core/errors.js';

/**
 * Whether `error` is a gRPC status error (what @grpc/grpc-js hands to callbacks and `'error'` listeners).
 *
 * @example
 * ```ts
 * if (isGrpcStatusError(e) && e.code === status.UNAUTHENTICATED) refresh();
 * ```
 */
export function isGrpcStatusError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'details' in error;
}

const retryableApiStatuses = new Set<number>([Status.UNAVAILABLE, Status.ABORTED, Status.INTERNAL, Status.UNKNOWN]);

/**
 * Maps a gRPC status error of `what` (e.g. `'GetUsers'`) to the streamrx error taxonomy:
 * UNAUTHENTICATED → {@link AuthenticationError}, PERMISSION_DENIED → {@link PermissionError},
 * RESOURCE_EXHAUSTED → {@link RateLimitError} (with `retry-after` / `ratelimit-reset`), DEADLINE_EXCEEDED →
 * {@link RequestTimeoutError}, UNAVAILABLE → {@link ConnectionLostError}, anything else → {@link ApiError}
 * carrying the status code. Errors that are already streamrx errors pass through.
 *
 * @example
 * ```ts
 * call.on('error', (e) => subscriber.error(grpcErrorToStreamRx(e, 'SubscribeEvents')));
 * ```
 */
export function grpcErrorToStreamRx(error: unknown, what: string): StreamRxError {
  if (error instanceof StreamRxError) return error;
  if (!isGrpcStatusError(error)) return new ConnectionLostError(`${what} failed`, { cause: error });
  const message = `${what} failed: ${Status[error.code] ?? error.code}${error.details ? ` (${error.details})` : ''}`;
  switch (error.code) {
    case Status.UNAUTHENTICATED:
      return new AuthenticationError(message, { cause: error });
    case Status.PERMISSION_DENIED:
      return new PermissionError(message, { cause: error });
    case Status.RESOURCE_EXHAUSTED:
      return new RateLimitError(message, { cause: error, ...retryAfterOf(error.metadata) });
    case Status.DEADLINE_EXCEEDED:
      return new RequestTimeoutError(message, { cause: error });
    case Status.UNAVAILABLE:
      return new ConnectionLostError(message, { cause: error });
    default:
      return new ApiError(message, { code: error.code, details: error.details }, {
        status: error.code,
        retryable: retryableApiStatuses.has(error.code),
        cause: error,
      });
  }
}

function retryAfterOf(metadata: Metadata | undefined): { retryAfterMs?: number } {
  const header = (key: string): number => Number(metadata?.get(key)[0] ?? Number.NaN);
  const retryAfter = header('retry-after');
  if (retryAfter > 0) return { retryAfterMs: retryAfter * 1000 };
  const reset = header('ratelimit-reset');
  if (reset > 0) return { retryAfterMs: Math.max(0, reset * 1000 - Date.now()) };
  return {};
}
