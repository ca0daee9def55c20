import { Metadata, status as Status, type StatusObject } from '@grpc/grpc-js';
import { ScriptedAnswers } from '../scripted-answers.js';
import { bearerOf, type TokenIssuer } from './token-issuer.js';

/** A gRPC status answer of an emulated call. */
export type ServerStatusResponse = Partial<StatusObject>;

/**
 * One API call as the emulator received it.
 *
 * @example
 * ```ts
 * expect(emulator.calls.at(-1)).toMatchObject({ method: 'CreatePost', request: { text: 'hi' } });
 * ```
 */
export interface RecordedMixi2Call {
  /** RPC name, e.g. `'CreatePost'`. */
  method: string;
  /** The decoded request message. */
  request: unknown;
  /** The bearer token it carried, if any. */
  token: string | undefined;
}

/** The checks every emulated RPC passes first: credentials, permission, scripted failures, rate limit. */
export class Mixi2Gate {
  /** While true, every bearer token is refused with UNAUTHENTICATED (the token endpoint still issues them). */
  rejectTokens = false;
  /** While true, every call fails with PERMISSION_DENIED. */
  denyPermission = false;
  /** Failures scripted for the next calls of any RPC, the stream's `SubscribeEvents` included. */
  readonly failures = new ScriptedAnswers<ServerStatusResponse>();
  /** Rate-limit answers scripted for the next API calls (the stream is not rate-limited). */
  readonly rateLimits = new ScriptedAnswers<ServerStatusResponse>();
  /** While true, admitted API calls get no answer until released (to test cancellation). */
  holdCalls = false;
  /** API calls the client cancelled before an answer. */
  cancelledCalls = 0;
  readonly calls: RecordedMixi2Call[] = [];
  private readonly windowStarts = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly issuer: TokenIssuer,
    /** Per-method limit per minute, as mixi2 documents it (20 / min); `Infinity` disables it. */
    private readonly perMinute: number,
  ) {}

  /** The checks of `SubscribeEvents`: credentials, permission, scripted failures (the stream has no rate limit). */
  admitStream(metadata: Metadata): ServerStatusResponse | undefined {
    return this.admit(metadata) ?? this.failures.take('SubscribeEvents');
  }

  /** Credentials and permission only. */
  private admit(metadata: Metadata): ServerStatusResponse | undefined {
    if (this.rejectTokens || !this.issuer.isValid(bearerOf(metadata.get('authorization')[0]))) {
      return { code: Status.UNAUTHENTICATED, details: 'invalid or expired access token' };
    }
    if (this.denyPermission) return { code: Status.PERMISSION_DENIED, details: 'the application lacks the permission' };
    return undefined;
  }

  /** Every check of a unary call, recording it first. */
  admitApi(method: string, request: unknown, metadata: Metadata): ServerStatusResponse | undefined {
    this.calls.push({ method, request, token: bearerOf(metadata.get('authorization')[0]) });
    return this.admit(metadata) ?? this.failures.take(method) ?? this.rateLimits.take(method) ?? this.rateLimit(method);
  }

  private rateLimit(method: string): ServerStatusResponse | undefined {
    if (this.perMinute === Infinity) return undefined;
    const now = Date.now();
    const window = this.windowStarts.get(method);
    if (window === undefined || now - window.start >= 60_000) {
      this.windowStarts.set(method, { start: now, count: 1 });
      return undefined;
    }
    window.count += 1;
    return window.count > this.perMinute ? exhausted(Math.ceil((window.start + 60_000 - now) / 1000)) : undefined;
  }
}

/** The RESOURCE_EXHAUSTED answer of mixi2's rate limiter, asking to retry after `retryAfterSeconds`. */
export function exhausted(retryAfterSeconds: number): ServerStatusResponse {
  const metadata = new Metadata();
  metadata.set('retry-after', String(retryAfterSeconds));
  metadata.set('ratelimit-remaining', '0');
  return { code: Status.RESOURCE_EXHAUSTED, details: 'rate limit exceeded', metadata };
}
