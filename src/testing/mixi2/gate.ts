import { Metadata, status as Status, type StatusObject } from '@grpc/grpc-js';

/** A gRPC status answer of an emulated call. */
export type ServerStatusResponse = Partial<StatusObject>;
import { bearerOf, type TokenIssuer } from './token-issuer.js';

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

/** The checks every emulated RPC passes first: credentials, permission, rate limit. */
export class Mixi2Gate {
  /** While true, every bearer token is refused with UNAUTHENTICATED (the token endpoint still issues them). */
  refuseTokens = false;
  /** While true, every call fails with PERMISSION_DENIED. */
  denyPermission = false;
  /** API calls still to be rate-limited. */
  rateLimitedCalls = 0;
  /** `retry-after` seconds sent with RESOURCE_EXHAUSTED. */
  retryAfterSeconds = 1;
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

  /** Credentials and permission only (the stream has no rate limit). */
  admit(metadata: Metadata): ServerStatusResponse | undefined {
    if (this.refuseTokens || !this.issuer.isValid(bearerOf(metadata.get('authorization')[0]))) {
      return { code: Status.UNAUTHENTICATED, details: 'invalid or expired access token' };
    }
    if (this.denyPermission) return { code: Status.PERMISSION_DENIED, details: 'the application lacks the permission' };
    return undefined;
  }

  /** Every check of a unary call, recording it first. */
  admitApi(method: string, request: unknown, metadata: Metadata): ServerStatusResponse | undefined {
    this.calls.push({ method, request, token: bearerOf(metadata.get('authorization')[0]) });
    return this.admit(metadata) ?? this.rateLimit(method);
  }

  private rateLimit(method: string): ServerStatusResponse | undefined {
    if (this.rateLimitedCalls > 0) {
      this.rateLimitedCalls -= 1;
      return this.exhausted();
    }
    if (this.perMinute === Infinity) return undefined;
    const now = Date.now();
    const window = this.windowStarts.get(method);
    if (window === undefined || now - window.start >= 60_000) {
      this.windowStarts.set(method, { start: now, count: 1 });
      return undefined;
    }
    window.count += 1;
    return window.count > this.perMinute ? this.exhausted() : undefined;
  }

  private exhausted(): ServerStatusResponse {
    const metadata = new Metadata();
    metadata.set('retry-after', String(this.retryAfterSeconds));
    metadata.set('ratelimit-remaining', '0');
    return { code: Status.RESOURCE_EXHAUSTED, details: 'rate limit exceeded', metadata };
  }
}
