import { status as Status, type Metadata, type StatusObject } from '@grpc/grpc-js';
import { ScriptedAnswers } from '../scripted-answers.js';
import type { RateLimitVerdict, RpcRateLimiter } from './rpc-rate-limiter.js';
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

  constructor(
    private readonly issuer: TokenIssuer,
    /** The per-RPC limits, with their `ratelimit-*` answers. */
    private readonly limiter: RpcRateLimiter,
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

  /**
   * Every check of a unary call, recording it first: the refusal if any, and the `ratelimit-*` metadata of
   * its answer (a refused call is not counted against the limit).
   */
  admitApi(method: string, request: unknown, metadata: Metadata): RateLimitVerdict {
    this.calls.push({ method, request, token: bearerOf(metadata.get('authorization')[0]) });
    const refusal = this.admit(metadata) ?? this.failures.take(method) ?? this.rateLimits.take(method);
    return refusal ? { refusal } : this.limiter.admit(method);
  }
}
