import { Metadata, status as Status } from '@grpc/grpc-js';
import type { RateRule } from '../../core/rate-rule.js';
import type { ServerStatusResponse } from './gate.js';

/** What the limiter decided for one call: the `ratelimit-*` metadata of its answer, and a refusal if over the limit. */
export interface RateLimitVerdict {
  /** `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` (Unix seconds); absent for an unlimited RPC. */
  headers?: Metadata;
  /** RESOURCE_EXHAUSTED with `retry-after`, when the call is over a limit. */
  refusal?: ServerStatusResponse;
}

interface Window {
  start: number;
  count: number;
}

/**
 * mixi2's per-RPC limiter as the service shows it: fixed windows (one per rule) that reset at a time the
 * answers announce in `ratelimit-reset`; a call over any rule is refused with RESOURCE_EXHAUSTED and
 * `retry-after`, and is not counted. Time comes from `now()` (ms since the epoch), so a test can drive it.
 */
export class RpcRateLimiter {
  private readonly windows = new Map<string, Window[]>();

  constructor(
    private readonly rulesOf: (rpc: string) => readonly RateRule[],
    private readonly now: () => number,
  ) {}

  /** Counts a call of `rpc` (unless refused) and returns its answer's metadata. */
  admit(rpc: string): RateLimitVerdict {
    const rules = this.rulesOf(rpc);
    if (rules.length === 0) return {};
    const now = this.now();
    const windows = this.currentWindows(rpc, rules, now);
    const full = rules.map((rule, i) => ({ rule, window: windows[i] as Window })).filter(({ rule, window }) => window.count >= rule.limit);
    if (full.length > 0) {
      const until = Math.max(...full.map(({ rule, window }) => window.start + rule.window));
      const tightest = full.find(({ rule, window }) => window.start + rule.window === until) ?? full[0]!;
      return { refusal: exhausted(Math.max(1, Math.ceil((until - now) / 1000)), { limit: tightest.rule.limit, resetMs: until }) };
    }
    windows.forEach((window) => (window.count += 1));
    return { headers: headersOf(rules, windows) };
  }

  private currentWindows(rpc: string, rules: readonly RateRule[], now: number): Window[] {
    const windows = this.windows.get(rpc) ?? rules.map(() => ({ start: now, count: 0 }));
    rules.forEach((rule, i) => {
      const window = windows[i] as Window;
      if (now - window.start >= rule.window) windows[i] = { start: now, count: 0 };
    });
    this.windows.set(rpc, windows);
    return windows;
  }
}

/** The `ratelimit-*` metadata of the rule with the fewest calls left. */
function headersOf(rules: readonly RateRule[], windows: readonly Window[]): Metadata {
  let index = 0;
  rules.forEach((rule, i) => {
    if (rule.limit - (windows[i] as Window).count < rules[index]!.limit - (windows[index] as Window).count) index = i;
  });
  const rule = rules[index] as RateRule;
  const window = windows[index] as Window;
  return rateLimitMetadata(rule.limit, rule.limit - window.count, window.start + rule.window);
}

function rateLimitMetadata(limit: number, remaining: number, resetMs: number): Metadata {
  const metadata = new Metadata();
  metadata.set('ratelimit-limit', String(limit));
  metadata.set('ratelimit-remaining', String(remaining));
  metadata.set('ratelimit-reset', String(Math.ceil(resetMs / 1000)));
  return metadata;
}

/**
 * The RESOURCE_EXHAUSTED answer of mixi2's rate limiter, asking to retry after `retryAfterSeconds`; with
 * `window`, it also carries that window's `ratelimit-limit` and `ratelimit-reset`.
 */
export function exhausted(retryAfterSeconds: number, window?: { limit: number; resetMs: number }): ServerStatusResponse {
  const metadata = window ? rateLimitMetadata(window.limit, 0, window.resetMs) : new Metadata();
  metadata.set('ratelimit-remaining', '0');
  metadata.set('retry-after', String(retryAfterSeconds));
  return { code: Status.RESOURCE_EXHAUSTED, details: 'rate limit exceeded', metadata };
}
