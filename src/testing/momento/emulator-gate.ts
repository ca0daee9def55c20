import type { MomentoCacheRpcName } from '../momento-cache/cache-service.js';
import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
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
 * A failure the next `count` calls of `rpc` answer with (before any work is done).
 *
 * @example
 * ```ts
 * emulator.failNext({ rpc: 'publish', code: status.UNAVAILABLE, count: 2 });
 * ```
 */
export interface MomentoScriptedFailure extends MomentoStreamEnding {
  /** Which RPC fails. */
  rpc: MomentoRpcName;
  /** How many calls fail. @default 1 */
  count?: number;
}

interface PendingFailure {
  rpc: MomentoRpcName;
  ending: MomentoStreamEnding;
  remaining: number;
}

/**
 * What every emulated RPC passes first, whichever service it belongs to: the credential check, scripted
 * failures, the known-cache check, and the stall switch that holds all responses.
 */
export class EmulatorGate {
  private rejecting = false;
  private stalled = false;
  private readonly failures: PendingFailure[] = [];
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

  /** Queues a scripted failure. */
  failNext(failure: MomentoScriptedFailure): void {
    const { rpc, count = 1, ...ending } = failure;
    this.failures.push({ rpc, ending, remaining: count });
  }

  /** The status a call must be refused with, or `undefined` when it may proceed. */
  refusal(rpc: MomentoRpcName, metadata: Metadata, cacheName: string): MomentoStreamEnding | undefined {
    const token = String(metadata.get('authorization')[0] ?? '');
    if (this.rejecting || (this.apiKey !== undefined && token !== this.apiKey)) {
      return { code: GrpcStatus.UNAUTHENTICATED, details: 'Invalid authentication credentials' };
    }
    const scripted = this.failures.find((f) => f.rpc === rpc);
    if (scripted) {
      scripted.remaining -= 1;
      if (scripted.remaining <= 0) this.failures.splice(this.failures.indexOf(scripted), 1);
      return scripted.ending;
    }
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
