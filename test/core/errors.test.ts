import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  ChannelRejectedError,
  ConnectionLostError,
  IdleTimeoutError,
  InvalidArgumentError,
  PermissionError,
  ProtocolError,
  RateLimitError,
  RateLimitQueueFullError,
  RequestTimeoutError,
  StreamRxError,
  isTerminal,
  redact,
} from '../../src/index.js';

describe('errors', () => {
  const all = [
    [new AuthenticationError('a'), 'AUTHENTICATION', false],
    [new PermissionError('p'), 'PERMISSION', false],
    [new RateLimitError('r', { retryAfterMs: 5 }), 'RATE_LIMIT', true],
    [new ProtocolError('x'), 'PROTOCOL', false],
    [new ConnectionLostError(), 'CONNECTION_LOST', true],
    [new IdleTimeoutError(10), 'IDLE_TIMEOUT', true],
    [new RequestTimeoutError('t'), 'REQUEST_TIMEOUT', true],
    [new ApiError('api', { code: 'X' }), 'API', false],
    [new ChannelRejectedError('main', 5), 'CHANNEL_REJECTED', false],
    [new InvalidArgumentError('bad'), 'INVALID_ARGUMENT', false],
    [new RateLimitQueueFullError(10), 'RATE_LIMIT_QUEUE_FULL', false],
  ] as const;

  it.each(all)('%s has a stable code and retryable flag', (error, code, retryable) => {
    expect(error).toBeInstanceOf(StreamRxError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(isTerminal(error)).toBe(!retryable);
    expect(error.name).toBe(error.constructor.name);
  });

  it('keeps the cause out of the message', () => {
    const secret = 'sk_live_abcdef';
    const error = new AuthenticationError('token rejected', { cause: new Error(`Bearer ${secret}`) });
    expect(error.message).not.toContain(secret);
    expect(String(error)).not.toContain(secret);
  });

  it('redacts every secret from a text', () => {
    const token = 'Zq9xY7';
    expect(redact(`wss://h/streaming?i=${token}&x=${token}`, [token, undefined, ''])).toBe('wss://h/streaming?i=***&x=***');
  });

  it('carries the service body and status on ApiError, Retry-After on RateLimitError', () => {
    expect(new ApiError('m', { id: 'x' }, { status: 400 })).toMatchObject({ body: { id: 'x' }, status: 400 });
    expect(new RateLimitError('m', { retryAfterMs: 1500 }).retryAfterMs).toBe(1500);
  });
});
