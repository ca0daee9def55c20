import type { Metadata } from '@grpc/grpc-js';
import { asyncScheduler, of, retry, throwError, type Observable, type SchedulerLike } from 'rxjs';
import { InvalidArgumentError, RateLimitError } from '../core/errors.js';
import { RateGovernor } from '../core/rate-governor.js';
import type { RateRule } from '../core/rate-rule.js';
import type { Mixi2ApiMethod } from './api.js';
import { mixi2RateLimitTables } from './rate-limit-tables.js';

/**
 * The rate governor of a {@link mixi2Client} (its `rateLimits` option). Every unary RPC is paced by its
 * own rules, shared by every pipeline of the client; the `ratelimit-remaining` / `ratelimit-reset`
 * metadata of every answer hold an RPC until its reset instead of spending a call on a certain
 * RESOURCE_EXHAUSTED; a RESOURCE_EXHAUSTED with `retry-after` holds that RPC for every caller.
 *
 * `ratelimit-reset` (Unix seconds) is read on the scheduler's clock, which is the wall clock for every
 * rxjs scheduler except the virtual ones (a virtual-time test gives the emulator the same clock).
 *
 * @example
 * ```ts
 * const client = mixi2ClientFromEnv({
 *   rateLimits: { rules: { ...mixi2RateLimitTables.otnc, createPost: [{ limit: 5, window: 60_000 }] }, retryRateLimited: false },
 * });
 * ```
 */
export interface Mixi2RateLimitOptions {
  /**
   * Rules per RPC, over the default table (an RPC left out keeps the default; `[]` removes its limit).
   * See {@link mixi2RateLimitTables} for the two published tables.
   * @default mixi2RateLimitTables.mstMkt (20 per minute per RPC; initiatePostMediaUpload also 200 per hour)
   */
  rules?: Partial<Record<Mixi2ApiMethod, readonly RateRule[]>>;
  /** Follow `ratelimit-remaining` / `ratelimit-reset` of the answers (`retry-after` is always honoured). @default true */
  followServerBudget?: boolean;
  /**
   * Send a call refused with RESOURCE_EXHAUSTED again once its hold ends (the server did not execute it, so
   * a retry is safe); `false` hands the `RateLimitError` to the caller at once (the hold still applies to the
   * next calls).
   * @default true
   */
  retryRateLimited?: boolean;
  /** How many times one call is retried after RESOURCE_EXHAUSTED before its `RateLimitError` is passed on. @default 3 */
  maxRateLimitRetries?: number;
  /** Calls allowed to wait at once across RPCs; past it a call errors with `RateLimitQueueFullError`. @default 10000 */
  maxQueued?: number;
  /** Clock and timers of the waits (a virtual-time test passes its scheduler). @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** The longest a server answer may hold an RPC: past it, a `ratelimit-reset` is taken for clock skew. */
const MAX_SERVER_HOLD_MS = 3_600_000;
/** The hold after a RESOURCE_EXHAUSTED that named no wait. */
const DEFAULT_HOLD_MS = 1000;

/** What the API needs of the governor: pacing each call, and reading each answer's metadata. */
export interface RpcGovernance {
  /** The governor, shared by every pipeline of the client (`client.rateLimits`). */
  readonly governor: RateGovernor;
  /** `call` paced by `method`'s budget, retried after RESOURCE_EXHAUSTED as configured. */
  govern<R>(method: Mixi2ApiMethod, call: Observable<R>): Observable<R>;
  /** Reads `ratelimit-*` and `retry-after` of an answer's headers or trailers; absent when nothing is paced (calls then skip reading them). */
  observe?: (method: Mixi2ApiMethod, metadata: Metadata) => void;
}

/** Who is told about the governance's waits, queue and retries (the client's telemetry). */
export interface RpcGovernanceHooks {
  /** A call of `method` started after waiting `waitedMs`. */
  onWaited?: (method: string, waitedMs: number) => void;
  /** Calls waiting went up (1) or down (-1). */
  onQueueChanged?: (change: number) => void;
  /** A call of `method` is retried after RESOURCE_EXHAUSTED. */
  onRateLimitRetried?: (method: string) => void;
}

/**
 * Builds the governance of one client from its `rateLimits` option; `false` paces nothing (the governor
 * exists, empty, so `client.rateLimits.state()` still answers).
 */
export function rpcGovernance(options: Mixi2RateLimitOptions | false | undefined, hooks: RpcGovernanceHooks = {}): RpcGovernance {
  if (options === false) return { governor: new RateGovernor(), govern: (_method, call) => call };
  const { onWaited, onQueueChanged, onRateLimitRetried } = hooks;
  const {
    rules = {},
    followServerBudget = true,
    retryRateLimited = true,
    maxRateLimitRetries = 3,
    maxQueued = 10_000,
    scheduler = asyncScheduler,
  } = options ?? {};
  if (!Number.isInteger(maxRateLimitRetries) || maxRateLimitRetries < 0) {
    throw new InvalidArgumentError(`mixi2Client: rateLimits.maxRateLimitRetries must be a non-negative integer, got ${String(maxRateLimitRetries)}`);
  }
  const table: Partial<Record<string, readonly RateRule[]>> = { ...mixi2RateLimitTables.mstMkt, ...rules };
  const governor = new RateGovernor({ rules: (method) => table[method] ?? [], maxQueued, scheduler, ...(onWaited ? { onWaited } : {}), ...(onQueueChanged ? { onQueueChanged } : {}) });

  const govern = <R>(method: Mixi2ApiMethod, call: Observable<R>): Observable<R> => {
    const paced = governor.schedule(method, call);
    if (!retryRateLimited || maxRateLimitRetries === 0) return paced;
    return paced.pipe(
      retry({
        count: maxRateLimitRetries,
        delay: (error: unknown) => {
          if (!(error instanceof RateLimitError)) return throwError(() => error);
          // The answer's metadata already set the hold; without a stated wait, hold a moment so the retry waits.
          if (error.retryAfterMs === undefined) governor.holdUntil(method, scheduler.now() + DEFAULT_HOLD_MS);
          onRateLimitRetried?.(method);
          return of(true);
        },
      }),
    );
  };

  const observe = (method: Mixi2ApiMethod, metadata: Metadata): void => {
    const now = scheduler.now();
    const retryAfter = secondsIn(metadata, 'retry-after');
    if (retryAfter !== undefined && retryAfter > 0) governor.holdUntil(method, now + Math.min(retryAfter * 1000, MAX_SERVER_HOLD_MS));
    if (!followServerBudget) return;
    const remaining = secondsIn(metadata, 'ratelimit-remaining');
    const reset = secondsIn(metadata, 'ratelimit-reset');
    if (remaining === undefined || reset === undefined || !Number.isInteger(remaining) || remaining < 0) return;
    governor.observeRemaining(method, remaining, Math.min(reset * 1000, now + MAX_SERVER_HOLD_MS));
  };

  return { governor, govern, observe };
}

/** A numeric metadata value, or `undefined` when absent or not a number. */
function secondsIn(metadata: Metadata, key: string): number | undefined {
  const raw = metadata.get(key)[0];
  if (raw === undefined) return undefined;
  const value = Number(typeof raw === 'string' ? raw : raw.toString('utf8'));
  return Number.isFinite(value) ? value : undefined;
}
