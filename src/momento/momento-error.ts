import {
  ApiError,
  AuthenticationError,
  ConnectionLostError,
  InvalidArgumentError,
  PermissionError,
  RateLimitError,
  RequestTimeoutError,
  StreamRxError,
} from '../core/errors.js';

/**
 * The part of an `@gomomento/sdk` error response streamrx reads.
 *
 * @example
 * ```ts
 * const error: MomentoErrorLike = { errorCode: () => 'SERVER_UNAVAILABLE', message: () => 'down' };
 * ```
 */
export interface MomentoErrorLike {
  /** The SDK's error code, e.g. `SERVER_UNAVAILABLE` or `AUTHENTICATION_ERROR`. */
  errorCode(): string;
  /** The SDK's error message. */
  message(): string;
}

const CLIENT_LIMIT_HINT =
  'the TopicClient has no free subscription slot: each stream connection carries at most 100 subscriptions; ' +
  'raise TopicConfiguration.withNumStreamConnections() or unsubscribe others';

/**
 * Turns an `@gomomento/sdk` error response into the matching streamrx error: authentication and
 * permission errors, not found and bad requests are terminal; unavailability, timeouts, internal and
 * limit errors are retryable. The SDK's code stays readable in the message and in `ApiError.body`.
 *
 * @example
 * ```ts
 * const response = await client.publish('cache', 'topic', 'x');
 * if (response.type === TopicPublishResponse.Error) throw fromMomentoError(response, 'publish');
 * ```
 */
export function fromMomentoError(error: MomentoErrorLike, operation: string): StreamRxError {
  const code = error.errorCode();
  const message = `momento ${operation} failed: ${code}: ${error.message()}`;
  const cause = { cause: error };
  const api = (retryable: boolean, text = message): ApiError => new ApiError(text, { errorCode: code }, { retryable, ...cause });
  switch (code) {
    case 'AUTHENTICATION_ERROR':
      return new AuthenticationError(message, cause);
    case 'PERMISSION_ERROR':
      return new PermissionError(message, cause);
    case 'INVALID_ARGUMENT_ERROR':
      return new InvalidArgumentError(message, cause);
    case 'LIMIT_EXCEEDED_ERROR':
      return new RateLimitError(message, cause);
    case 'SERVER_UNAVAILABLE':
    case 'CONNECTION_ERROR':
    case 'CANCELLED_ERROR':
      return new ConnectionLostError(message, cause);
    case 'TIMEOUT_ERROR':
      return new RequestTimeoutError(message, cause);
    case 'INTERNAL_SERVER_ERROR':
    case 'UNKNOWN_SERVICE_ERROR':
    case 'UNKNOWN_ERROR':
      return api(true);
    case 'CLIENT_RESOURCE_EXHAUSTED':
      return api(false, `${message} (${CLIENT_LIMIT_HINT})`);
    default:
      return api(false);
  }
}

/**
 * Turns whatever an SDK call threw or rejected with (an `SdkError` when the client was configured with
 * `withThrowOnErrors(true)`) into a streamrx error; anything else becomes a terminal `ApiError`.
 *
 * @example
 * ```ts
 * client.publish('cache', 'topic', 'x').catch((e) => { throw fromMomentoFailure(e, 'publish'); });
 * ```
 */
export function fromMomentoFailure(failure: unknown, operation: string): StreamRxError {
  if (failure instanceof StreamRxError) return failure;
  const sdkError = failure as { errorCode?: unknown; message?: unknown } | null;
  if (typeof sdkError?.errorCode === 'function') {
    const code = String((sdkError.errorCode as () => unknown).call(failure));
    const text = typeof sdkError.message === 'string' ? sdkError.message : String(failure);
    return fromMomentoError({ errorCode: () => code, message: () => text }, operation);
  }
  return new ApiError(`momento ${operation} failed unexpectedly`, undefined, { retryable: false, cause: failure });
}
