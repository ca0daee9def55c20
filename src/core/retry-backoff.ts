import { asyncScheduler, retry, throwError, timer, type MonoTypeOperatorFunction, type Observable, type SchedulerLike } from 'rxjs';
import { isTerminal } from './errors.js';

/** What {@link RetryBackoffOptions.onRetry} is told before each wait. */
export interface RetryAttempt {
  /** The error that caused this retry. */
  error: unknown;
  /** 1 for the first retry, 2 for the second, … (restarts at 1 after a budget refill). */
  attempt: number;
  /** How long the operator waits before resubscribing, in milliseconds. */
  delay: number;
}

/** Options of {@link retryBackoff}. Every field is optional. */
export interface RetryBackoffOptions {
  /** Delay before the first retry, in milliseconds. @default 1000 */
  initialDelay?: number;
  /** Factor applied to the delay after each retry. @default 2 */
  multiplier?: number;
  /** Upper bound of any delay, in milliseconds (applied after jitter). @default 30000 */
  maxDelay?: number;
  /** Retries allowed before the last error propagates unchanged. @default Infinity */
  maxRetries?: number;
  /**
   * Randomisation, 0..1: a delay `d` becomes a uniform pick in `[d·(1−jitter), d·(1+jitter)]`, then capped at
   * `maxDelay`. 0 gives the exact exponential sequence; 1 gives anything from 0 to 2·d.
   * @default 0
   */
  jitter?: number;
  /** Source of randomness for jitter, returning values in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Decides whether an error is retried. When given, its answer wins; when absent, every error is retried
   * except those whose `retryable` is `false` (streamrx's authentication, permission, protocol errors).
   * @default retry unless `error.retryable === false`
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /**
   * Refill the retry budget when the source emits after a retry: a reconnect that delivered something was
   * healthy, so the next failure starts again at `initialDelay`.
   * @default true
   */
  resetOnValue?: boolean;
  /** Called before each wait, e.g. to report `'reconnecting'` on a client's `state$`. @default none */
  onRetry?: (attempt: RetryAttempt) => void;
  /** Scheduler of the delays; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * The delay before retry number `attempt` (1-based), before jitter and the `retryAfterMs` floor.
 *
 * @example
 * ```ts
 * backoffDelay(3, { initialDelay: 1000, multiplier: 2, maxDelay: 30_000 }); // 4000
 * ```
 */
export function backoffDelay(attempt: number, options: Pick<RetryBackoffOptions, 'initialDelay' | 'multiplier' | 'maxDelay'>): number {
  const { initialDelay = 1000, multiplier = 2, maxDelay = 30_000 } = options;
  return Math.min(maxDelay, initialDelay * multiplier ** (attempt - 1));
}

function jittered(delay: number, jitter: number, random: () => number): number {
  if (jitter <= 0) return delay;
  const spread = Math.min(jitter, 1);
  return Math.round(delay * (1 - spread + 2 * spread * random()));
}

function retryAfterOf(error: unknown): number {
  const value = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof value === 'number' && value > 0 ? value : 0;
}

/**
 * The wait before retry number `attempt` (1 for the first) after `error`, by the rules of
 * {@link retryBackoff}, calling `onRetry` with it; `undefined` when the error is not to be retried
 * (`shouldRetry` says no, the error is terminal, or `maxRetries` is spent). For code that retries on its
 * own instead of resubscribing.
 *
 * @example
 * ```ts
 * const wait = retryWait(error, attempt, { initialDelay: 250, maxRetries: 3, jitter: 0.5 });
 * if (wait === undefined) subscriber.error(error);
 * else pending = asyncScheduler.schedule(sendAgain, wait);
 * ```
 */
export function retryWait(error: unknown, attempt: number, options: RetryBackoffOptions): number | undefined {
  const { maxDelay = 30_000, maxRetries = Infinity, jitter = 0, random = Math.random, shouldRetry, onRetry } = options;
  if (attempt > maxRetries) return undefined;
  const allowed = shouldRetry ? shouldRetry(error, attempt) : !isTerminal(error);
  if (!allowed) return undefined;
  const wait = Math.max(Math.min(maxDelay, jittered(backoffDelay(attempt, options), jitter, random)), retryAfterOf(error));
  onRetry?.({ error, attempt, delay: wait });
  return wait;
}

/**
 * Resubscribes to the source after an error, waiting an exponentially growing, optionally jittered delay,
 * built on rxjs `retry({ delay })`. Errors marked `retryable: false` end the stream at once; after the last
 * retry the last error propagates unchanged. A {@link RateLimitError}'s `retryAfterMs` is a floor of the wait.
 *
 * @example
 * ```ts
 * events$.pipe(
 *   retryBackoff({ initialDelay: 500, maxDelay: 10_000, jitter: 0.2, maxRetries: 8 }),
 * ).subscribe(handle);
 * ```
 */
export function retryBackoff<T>(options: RetryBackoffOptions = {}): MonoTypeOperatorFunction<T> {
  const { maxRetries = Infinity, resetOnValue = true, scheduler = asyncScheduler } = options;
  const delay = (error: unknown, attempt: number): Observable<unknown> => {
    const wait = retryWait(error, attempt, options);
    return wait === undefined ? throwError(() => error) : timer(wait, scheduler);
  };
  return (source) => source.pipe(retry({ count: maxRetries, delay, resetOnSuccess: resetOnValue }));
}

/**
 * The reconnect rule of the official mixi2 guide: wait 1 s, 2 s, then 4 s, give up after 3 retries; the
 * budget refills once a reconnected stream delivers.
 *
 * @example
 * ```ts
 * stream$.pipe(retryBackoff(mixi2ReconnectPolicy));
 * ```
 */
export const mixi2ReconnectPolicy: Readonly<RetryBackoffOptions> = Object.freeze({
  initialDelay: 1000,
  multiplier: 2,
  maxDelay: 4000,
  maxRetries: 3,
  jitter: 0,
  resetOnValue: true,
});
