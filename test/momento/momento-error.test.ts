import { describe, expect, it } from 'vitest';
import { ApiError, AuthenticationError, ConnectionLostError, InvalidArgumentError, PermissionError, RateLimitError, RequestTimeoutError } from '../../src/core/errors.js';
import { fromMomentoError, fromMomentoFailure } from '../../src/momento/index.js';

const sdkError = (code: string, message = 'details') => ({ errorCode: () => code, message: () => message });

describe('fromMomentoError', () => {
  it.each([
    ['AUTHENTICATION_ERROR', AuthenticationError, false],
    ['PERMISSION_ERROR', PermissionError, false],
    ['NOT_FOUND_ERROR', ApiError, false],
    ['INVALID_ARGUMENT_ERROR', InvalidArgumentError, false],
    ['CLIENT_RESOURCE_EXHAUSTED', ApiError, false],
    ['BAD_REQUEST_ERROR', ApiError, false],
    ['SERVER_UNAVAILABLE', ConnectionLostError, true],
    ['CANCELLED_ERROR', ConnectionLostError, true],
    ['TIMEOUT_ERROR', RequestTimeoutError, true],
    ['LIMIT_EXCEEDED_ERROR', RateLimitError, true],
    ['INTERNAL_SERVER_ERROR', ApiError, true],
    ['UNKNOWN_ERROR', ApiError, true],
  ] as const)('maps %s to %o (retryable %s)', (code, type, retryable) => {
    const error = fromMomentoError(sdkError(code), 'subscribe');
    expect(error).toBeInstanceOf(type);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(code);
    expect(error.message).toContain('subscribe');
  });

  it('maps a thrown SdkError by its code and anything else to a terminal ApiError', () => {
    const thrown = Object.assign(new Error('no auth'), { errorCode: () => 'AUTHENTICATION_ERROR' });
    expect(fromMomentoFailure(thrown, 'publish')).toBeInstanceOf(AuthenticationError);
    const other = fromMomentoFailure(new TypeError('boom'), 'publish');
    expect(other).toBeInstanceOf(ApiError);
    expect(other.retryable).toBe(false);
    const own = new RateLimitError('slow down');
    expect(fromMomentoFailure(own, 'publish')).toBe(own);
  });
});
