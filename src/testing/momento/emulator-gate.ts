import type { MomentoCacheRpcName } from '../momento-cache/cache-service.js';
import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import type { FailNextOptions, RateLimitNextOptions } from '../emulator-controls.js';
import { ScriptedAnswers } from '../scripted-answers.js';
import type { MomentoStreamEnding } from './subscriber-stream.js';

/**
 * Names of the emulated RPCs a failure can be scripted for.
 *
 * @example
 * ```ts
 * const rpc: MomentoRpcName = 'subscribe';
 * ```
 */
export type MomentoRpcName = 'publish' | 'subscribe' | MomentoCacheRpcName;

/**
 * Options of {@link streamrx/testing!MomentoEmulator.failNext}: which RPC fails, and how.
 *
 * @example
 * ```ts
 * emulator.failNext(2, { endpoint: 'publish', code: status.UNAVAILABLE });
 * ```
 */
export interface MomentoFailNextOptions extends FailNextOptions<MomentoRpcName, GrpcStatus> {
  /** Trailing metadata of the failure, e.g. `{ err: 'topic_subscriptions_limit_exceeded' }`. @default none */
  trailers?: Record<string, string>;
}

/**
 * What every emulated RPC passes first, whichever service it belongs to: the credential check, scripted
 * failures, the known-cache check, and the stall switch that holds all responses.
 */
export class EmulatorGate {
  private rejecting = false;
  private stalled = false;
  private readonly scripted = new ScriptedAnswers<MomentoStreamEnding>();
  /** Subscribe calls received, refused ones included. */
  streamRequests = 0;
  /** Unary calls (Publish and the cache RPCs) received, refused ones included. */
  calls = 0;
  private readonly held: Array<() => void> = [];
  private readonly resumeListeners = new Set<() => void>();

  constructor(
    private readonly apiKey: string | undefined,
    private readonly knownCaches: ReadonlySet<string> | undefined,
  ) {}

  /** Whether responses are being held. */
  get isStalled(): boolean {
    return this.stalled;
  }

  /** Makes every call fail with UNAUTHENTICATED (or stops doing so). */
  rejectCredentials(reject: boolean): void {
    this.rejecting = reject;
  }

  /** Fails the next `count` calls (of one RPC, if given) with a status; INTERNAL by default. */
  failNext(count: number, { endpoint, code = GrpcStatus.INTERNAL, details, trailers }: MomentoFailNextOptions = {}): void {
    this.scripted.add(count, endpoint, () => ({ code, ...(details === undefined ? {} : { details }), ...(trailers === undefined ? {} : { trailers }) }));
  }

  /** Answers the next `count` calls (of one RPC, if given) as the service's rate limiter does. */
  rateLimitNext(count: number, { endpoint, retryAfterSeconds = 1 }: RateLimitNextOptions<MomentoRpcName> = {}): void {
    this.scripted.add(count, endpoint, () => ({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      details: 'Request rate limit exceeded for this account',
      trailers: { err: 'operations_rate_limit_exceeded', 'retry-after': String(retryAfterSeconds) },
    }));
  }

  /** The status a call must be refused with, or `undefined` when it may proceed. */
  refusal(rpc: MomentoRpcName, metadata: Metadata, cacheName: string): MomentoStreamEnding | undefined {
    if (rpc === 'subscribe') this.streamRequests += 1;
    else this.calls += 1;
    const token = String(metadata.get('authorization')[0] ?? '');
    if (this.rejecting || (this.apiKey !== undefined && token !== this.apiKey)) {
      return { code: GrpcStatus.UNAUTHENTICATED, details: 'Invalid authentication credentials' };
    }
    const scripted = this.scripted.take(rpc);
    if (scripted) return scripted;
    if (this.knownCaches && !this.knownCaches.has(cacheName)) {
      return { code: GrpcStatus.NOT_FOUND, details: `Cache not found: ${cacheName}`, trailers: { err: 'not_found' } };
    }
    return undefined;
  }

  /** Runs `respond` now, or when the stall ends. */
  whenFlowing(respond: () => void): void {
    if (this.stalled) this.held.push(respond);
    else respond();
  }

  /** Registers a listener for the end of a stall. */
  onResume(listener: () => void): void {
    this.resumeListeners.add(listener);
  }

  /** Holds every response and stream message until the returned function is called. */
  stall(): () => void {
    this.stalled = true;
    return () => {
      if (!this.stalled) return;
      this.stalled = false;
      for (const respond of this.held.splice(0)) respond();
      for (const listener of this.resumeListeners) listener();
    };
  }
}
