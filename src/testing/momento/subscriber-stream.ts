import { Metadata, status as GrpcStatus, type ServerWritableStream } from '@grpc/grpc-js';
import type { WireSubscriptionRequest } from './pubsub-wire.js';

/**
 * How an emulated stream ends: a gRPC status code, its details and optional trailers.
 *
 * @example
 * ```ts
 * emulator.endStreams({ code: status.RESOURCE_EXHAUSTED, trailers: { err: 'topic_subscriptions_limit_exceeded' } });
 * ```
 */
export interface MomentoStreamEnding {
  /** gRPC status code; `status.OK` ends the stream normally. */
  code: GrpcStatus;
  /** Status details. @default the status name */
  details?: string;
  /** Trailing metadata, e.g. `{ err: 'topic_subscriptions_limit_exceeded' }`. @default none */
  trailers?: Record<string, string>;
}

/** Builds the error object grpc-js turns into a status for a server call. */
export function statusError(ending: MomentoStreamEnding): { code: GrpcStatus; details: string; metadata: Metadata } {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(ending.trailers ?? {})) metadata.set(key, value);
  return { code: ending.code, details: ending.details ?? GrpcStatus[ending.code] ?? 'error', metadata };
}

/**
 * One open Subscribe call: writes pre-encoded `_SubscriptionItem`s in order, holding them while the
 * emulator is stalled, and ends with a chosen status. Writes do not wait for 'drain': grpc-js buffers a
 * burst, and waiting at the stream's high-water mark (16 messages) made bursts several times slower.
 */
export class SubscriberStream {
  private readonly outbox: Buffer[] = [];
  private ended = false;

  constructor(
    /** Unique id of the stream within the emulator. */
    readonly id: number,
    /** What the client asked for. */
    readonly request: WireSubscriptionRequest,
    private readonly call: ServerWritableStream<WireSubscriptionRequest, Buffer>,
    private readonly isStalled: () => boolean,
  ) {}

  /** The topic this stream reads, as `cache/topic`. */
  get topicKey(): string {
    return topicKeyOf(this.request.cacheName, this.request.topic);
  }

  /** Writes a message now, or queues it while the emulator is stalled. */
  send(encoded: Buffer): void {
    if (this.ended) return;
    if (this.outbox.length === 0 && !this.isStalled()) this.call.write(encoded);
    else this.outbox.push(encoded);
  }

  /** Writes the queued messages unless stalled. */
  flush(): void {
    while (!this.ended && !this.isStalled() && this.outbox.length > 0) {
      this.call.write(this.outbox.shift()!);
    }
  }

  /** Ends the call with `ending` (OK: a normal end of stream). */
  end(ending: MomentoStreamEnding): void {
    if (this.ended) return;
    this.ended = true;
    this.outbox.length = 0;
    if (ending.code === GrpcStatus.OK) this.call.end();
    else this.call.emit('error', statusError(ending));
  }

  /** Marks the stream gone without writing (the client cancelled or the connection died). */
  abandon(): void {
    this.ended = true;
    this.outbox.length = 0;
  }
}

/** The key of a topic inside the emulator. */
export function topicKeyOf(cacheName: string, topic: string): string {
  return `${cacheName}\u0000${topic}`;
}
