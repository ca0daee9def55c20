import type { RateRule } from '../core/rate-rule.js';
import type { Mixi2ApiMethod } from './api.js';

/**
 * The per-RPC limits of one published table: every unary RPC with its rules (`[]`: no count limit).
 *
 * @example
 * ```ts
 * const table: Mixi2RateLimitTable = mixi2RateLimitTables.mstMkt;
 * ```
 */
export type Mixi2RateLimitTable = Readonly<Record<Mixi2ApiMethod, readonly RateRule[]>>;

const MINUTE = 60_000;
const HOUR = 3_600_000;

const perMinute = (limit: number): readonly RateRule[] => Object.freeze([{ limit, window: MINUTE }]);

function table(everyRpc: readonly RateRule[], overrides: Partial<Record<Mixi2ApiMethod, readonly RateRule[]>>): Mixi2RateLimitTable {
  const methods: readonly Mixi2ApiMethod[] = [
    'getUsers', 'getPosts', 'getCommunities', 'createPost', 'deletePost', 'initiatePostMediaUpload', 'getPostMediaStatus',
    'getCommunityTimeline', 'getCommunityMemberList', 'restrictCommunityPost', 'getCommunitiesUsingApplication',
    'sendChatMessage', 'getStamps', 'addStampToPost', 'sendDirectMessageToCommunityMember',
  ];
  return Object.freeze(Object.fromEntries(methods.map((method) => [method, overrides[method] ?? everyRpc])) as Record<Mixi2ApiMethod, readonly RateRule[]>);
}

/**
 * The two published tables of mixi2's per-application limits, which disagree (the service does not publish
 * one of its own; every answer's `ratelimit-*` metadata says what really applies, and the client follows it):
 *
 * - `mstMkt` (the default of {@link mixi2Client}): the mst-mkt SDK docs after API v1.2.0 (2026-05): **20 per
 *   minute for every unary RPC**, and `initiatePostMediaUpload` also **200 per hour**.
 * - `otnc`: the otnc/mixi2-js docs (≈ 2026-03, API v1.1): `createPost`, `sendChatMessage`, `addStampToPost`,
 *   `getUsers`, `getPosts` **10 per minute**; `initiatePostMediaUpload` 10 per minute and **100 per hour**;
 *   `getStamps`, `getPostMediaStatus`, `deletePost` no count limit. The v1.2 RPCs it does not list get
 *   10 per minute here, the cautious reading.
 *
 * Both also state an upload volume of 1 GB per day, which no table here enforces.
 *
 * @example
 * ```ts
 * const client = mixi2ClientFromEnv({ rateLimits: { rules: mixi2RateLimitTables.otnc } });
 * ```
 */
export const mixi2RateLimitTables: Readonly<{
  /** mst-mkt docs after API v1.2.0: 20 per minute per RPC; initiatePostMediaUpload also 200 per hour (the default). */
  mstMkt: Mixi2RateLimitTable;
  /** otnc/mixi2-js docs, API v1.1: 10 per minute on the listed RPCs; initiatePostMediaUpload 10 per minute and 100 per hour. */
  otnc: Mixi2RateLimitTable;
}> = Object.freeze({
  mstMkt: table(perMinute(20), {
    initiatePostMediaUpload: Object.freeze([{ limit: 20, window: MINUTE }, { limit: 200, window: HOUR }]),
  }),
  otnc: table(perMinute(10), {
    initiatePostMediaUpload: Object.freeze([{ limit: 10, window: MINUTE }, { limit: 100, window: HOUR }]),
    getStamps: [],
    getPostMediaStatus: [],
    deletePost: [],
  }),
});
