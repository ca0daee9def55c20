import type { RateLimitError } from '../core/errors.js';
import { MisskeyApiError } from './api-error.js';

/**
 * How long a 429 holds its endpoint, in ms from `now`: until the answer's `info.resetMs` (an epoch time,
 * compared with `now`, the client scheduler's clock) when it lies within `Retry-After`, else `Retry-After`
 * (whole seconds, so up to a second longer). A `resetMs` past `Retry-After` or already gone means the
 * clocks disagree, and `Retry-After` wins. `undefined` when the answer said neither.
 *
 * @example
 * ```ts
 * rateLimitHoldMs(error, scheduler.now()); // 2182 for resetMs = now + 2182 and Retry-After: 3
 * ```
 */
export function rateLimitHoldMs(error: RateLimitError, now: number): number | undefined {
  const info = error.cause instanceof MisskeyApiError ? (error.cause.info as { resetMs?: unknown } | undefined) : undefined;
  const resetMs = typeof info?.resetMs === 'number' && Number.isFinite(info.resetMs) ? info.resetMs - now : undefined;
  const retryAfter = error.retryAfterMs;
  if (resetMs === undefined || resetMs < 0) return retryAfter;
  return retryAfter === undefined || resetMs <= retryAfter ? resetMs : retryAfter;
}
