import { InvalidArgumentError } from './errors.js';

/**
 * A documented rate limit: at most `limit` starts in any sliding window of `window` milliseconds. A start
 * at time `t` counts until `t + window`, so with `{ limit: 20, window: 60_000 }` the 21st call of a burst
 * starts exactly one minute after the first.
 *
 * @example
 * ```ts
 * const perRpc: RateRule[] = [{ limit: 20, window: 60_000 }, { limit: 200, window: 3_600_000 }];
 * ```
 */
export interface RateRule {
  /** Starts allowed in any window: a positive integer. */
  limit: number;
  /** Length of the sliding window, in milliseconds: a positive number. */
  window: number;
}

/**
 * Throws {@link InvalidArgumentError} unless `rule.limit` is a positive integer and `rule.window` a positive
 * finite number of milliseconds. `owner` names the caller in the message.
 */
export function checkRateRule(rule: RateRule, owner: string): void {
  if (!Number.isInteger(rule.limit) || rule.limit < 1) {
    throw new InvalidArgumentError(`${owner}: limit must be a positive integer, got ${String(rule.limit)}`);
  }
  if (!(rule.window > 0) || !Number.isFinite(rule.window)) {
    throw new InvalidArgumentError(`${owner}: window must be a positive number of milliseconds, got ${String(rule.window)}`);
  }
}
