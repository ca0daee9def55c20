import type { RateRule } from '../../core/rate-rule.js';
import { misskeyErrors, type EmulatedHttpAnswer } from './errors.js';

/** A leaky bucket: `level` calls in it at time `at`; it drains one call every `window / limit` ms. */
interface Bucket {
  level: number;
  at: number;
}

/**
 * Misskey's per-endpoint limits as servers since 2025.5 apply them: each rule `{ limit, window }` (Misskey's
 * `{ max, duration }`; `{ limit: 1, window: minInterval }` for a minimum interval) is a leaky bucket of
 * `limit` calls that drains one call every `window / limit` ms, kept per actor (user id, or the address of
 * an anonymous caller). A call that would overflow any bucket is refused, and not counted, with 429
 * `RATE_LIMIT_EXCEEDED`, `Retry-After` (whole seconds, rounded up) and `info` `{ remaining, reset, resetMs,
 * total }` as observed on 2026.3.2. Time comes from `now()`, so a test can drive it.
 *
 * @example
 * ```ts
 * const limiter = new EndpointRateLimiter({ 'notes/create': [{ limit: 20, window: 60_000 }] }, () => scheduler.now());
 * limiter.admit('notes/create', userId); // undefined while allowed, else the 429 answer
 * ```
 */
export class EndpointRateLimiter {
  private readonly buckets = new Map<string, Bucket[]>();

  constructor(
    private readonly rules: Readonly<Record<string, readonly RateRule[]>>,
    private readonly now: () => number,
  ) {}

  /** Counts a call of `endpoint` by `actor`; the 429 answer instead when it is over a limit. */
  admit(endpoint: string, actor: string): EmulatedHttpAnswer | undefined {
    const rules = this.rules[endpoint];
    if (rules === undefined || rules.length === 0) return undefined;
    const now = this.now();
    const key = `${endpoint}\n${actor}`;
    const buckets = this.buckets.get(key) ?? rules.map(() => ({ level: 0, at: now }));
    this.buckets.set(key, buckets);
    let wait = 0;
    let tightest = 0;
    rules.forEach((rule, i) => {
      const bucket = buckets[i] as Bucket;
      const drip = rule.window / rule.limit;
      bucket.level = Math.max(0, bucket.level - (now - bucket.at) / drip);
      bucket.at = now;
      const over = (bucket.level + 1 - rule.limit) * drip;
      if (over > wait) [wait, tightest] = [over, i];
    });
    const remaining = Math.floor(Math.min(...rules.map((rule, i) => rule.limit - (buckets[i] as Bucket).level)));
    if (wait > 0) return misskeyErrors.rateLimitedFor(wait, now, { remaining: Math.max(0, remaining), total: (rules[tightest] as RateRule).limit });
    for (const bucket of buckets) bucket.level += 1;
    return undefined;
  }
}
