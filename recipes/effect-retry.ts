import type { SchedulerLike } from 'rxjs';
import { isTerminal, RateLimitError, type RetryBackoffOptions } from '../src/index.js';

/**
 * The retry policy of a recipe's API calls: rate limits (waiting at least their `retryAfterMs`) and
 * transient failures are retried, authentication, permission and bad-request failures are not.
 *
 * @param overrides the caller's options, merged over `{ initialDelay: 1000, maxRetries: 3 }`.
 * @example
 * ```ts
 * client.api.createPost(request).pipe(retryBackoff(effectRetry({ maxRetries: 5 })));
 * ```
 */
export function effectRetry(overrides: RetryBackoffOptions = {}, scheduler?: SchedulerLike): RetryBackoffOptions {
  return {
    initialDelay: 1000,
    maxRetries: 3,
    ...overrides,
    shouldRetry: (error) => error instanceof RateLimitError || !isTerminal(error),
    ...(scheduler ? { scheduler } : {}),
  };
}
