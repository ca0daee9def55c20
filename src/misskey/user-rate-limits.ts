import type { RateRule } from '../core/rate-rule.js';

/**
 * The rate limits a Misskey 2026.3.2 server applies to a normal user on endpoints a bot uses most, as
 * observed: `notes/create` 300 per hour, `notes/reactions/delete` 60 per hour and one per 3 s. Give it as
 * `http.rateLimits` (or spread it into your own table) so the client paces itself instead of spending
 * calls on 429s. Servers may differ (role policies scale the limits; a factor of 0 disables them).
 *
 * @example
 * ```ts
 * const client = misskey({ origin, token, http: { rateLimits: misskeyUserRateLimits } });
 * ```
 */
export const misskeyUserRateLimits: Readonly<Record<string, readonly RateRule[]>> = Object.freeze({
  'notes/create': Object.freeze([{ limit: 300, window: 3_600_000 }]),
  'notes/reactions/delete': Object.freeze([
    { limit: 60, window: 3_600_000 },
    { limit: 1, window: 3000 },
  ]),
});
