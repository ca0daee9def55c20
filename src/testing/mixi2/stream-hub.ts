import { Metadata, status as Status, type ServerWritableStream } from '@grpc/grpc-js';
import { BehaviorSubject } from 'rxjs';
import { SubscribeEventsResponse, type Event, type SubscribeEventsRequest } from '../../mixi2/protocol.js';
import { ApplicationServiceService as StreamServiceDefinition } from '../../mixi2/gen/social/mixi/application/service/application_stream/v1/service.js';
import { buildPingEvent } from './builders.js';
import type { Mixi2Gate } from './gate.js';
import { bearerOf } from './token-issuer.js';

type Outgoing = SubscribeEventsResponse | Buffer;
type EventCall = ServerWritableStream<SubscribeEventsRequest, Outgoing>;

interface OpenStream {
  call: EventCall;
  token: string | undefined;
  /** While stalled: the responses held back, written on resume. */
  held: Buffer[] | undefined;
  lastWrite: number;
  pingTimer: NodeJS.Timeout | undefined;
}

/** The stream service definition, accepting pre-encoded responses so floods cost the server no encoding. */
export const emulatedStreamDefinition = {
  subscribeEvents: {
    ...StreamServiceDefinition.subscribeEvents,
    responseSerialize: (value: Outgoing): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(SubscribeEventsResponse.encode(value).finish())),
  },
};

/**
 * Encodes events as one `SubscribeEventsResponse`.
 *
 * @example
 * ```ts
 * await emulator.flood([encodeEventResponse([buildPostCreatedEvent()])]);
 * ```
 */
export function encodeEventResponse(events: readonly Event[]): Buffer {
  return Buffer.from(SubscribeEventsResponse.encode({ events: [...events] }).finish());
}

/** Every open `SubscribeEvents` call of the emulator, and the controls that act on them. */
export class StreamHub {
  private readonly streams = new Set<OpenStream>();
  /** Number of open streams, replaying the current count. */
  readonly openStreams$ = new BehaviorSubject(0);
  /** Number of `SubscribeEvents` calls received (accepted or not). */
  subscribeCalls = 0;
  /** Number of Ping messages written, to any stream. */
  pingsSent = 0;

  constructor(
    private readonly gate: Mixi2Gate,
    /** Idle time after which a stream gets a Ping, in ms; `Infinity` never pings. */
    private readonly pingInterval: number,
  ) {}

  /** The gRPC handler of `SubscribeEvents`. */
  readonly handle = (call: EventCall): void => {
    this.subscribeCalls += 1;
    call.on('error', () => undefined);
    const refusal = this.gate.admitStream(call.metadata);
    if (refusal) {
      call.emit('error', refusal);
      return;
    }
    call.sendMetadata(new Metadata());
    const stream: OpenStream = { call, token: bearerOf(call.metadata.get('authorization')[0]), held: undefined, lastWrite: Date.now(), pingTimer: undefined };
    this.streams.add(stream);
    this.openStreams$.next(this.streams.size);
    this.armPing(stream);
    const forget = (): void => this.forget(stream);
    call.on('cancelled', forget);
    call.on('close', forget);
    call.on('finish', forget);
  };

  /** Sends one response carrying `events` to every open stream (held on stalled ones); returns how many got it now. */
  push(events: readonly Event[]): number {
    return this.pushEncoded(encodeEventResponse(events));
  }

  /** Sends one pre-encoded response to every open stream (held on stalled ones); returns how many got it now. */
  pushEncoded(response: Buffer): number {
    let reached = 0;
    for (const stream of this.streams) {
      if (stream.held) {
        stream.held.push(response);
        continue;
      }
      this.write(stream, response);
      reached += 1;
    }
    return reached;
  }

  /**
   * Writes `messages` pre-encoded responses to every open stream, honouring HTTP/2 flow control (waits for
   * `drain`), for benchmarks and volume tests.
   */
  async flood(messages: readonly Buffer[]): Promise<void> {
    await Promise.all(
      [...this.streams].map(async (stream) => {
        for (const message of messages) {
          if (!this.streams.has(stream)) return;
          if (!stream.call.write(message)) await this.drained(stream);
        }
        stream.lastWrite = Date.now();
      }),
    );
  }

  private drained(stream: OpenStream): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        stream.call.off('drain', done);
        stream.call.off('close', done);
        stream.call.off('cancelled', done);
        resolve();
      };
      stream.call.on('drain', done);
      stream.call.on('close', done);
      stream.call.on('cancelled', done);
    });
  }

  /** Sends a Ping to every open, unstalled stream now. */
  ping(): void {
    this.pingsSent += this.push([buildPingEvent()]);
  }

  /** Ends every open stream with a status (OK = a clean end); returns how many. */
  endAll(code: Status = Status.OK, details = 'stream closed by the server'): number {
    const open = [...this.streams];
    for (const stream of open) this.end(stream, code, details);
    return open.length;
  }

  /** Ends the streams whose token is no longer valid with UNAUTHENTICATED. */
  endUnauthorized(isValid: (token: string | undefined) => boolean): void {
    for (const stream of [...this.streams]) {
      if (!isValid(stream.token)) this.end(stream, Status.UNAUTHENTICATED, 'access token expired');
    }
  }

  /**
   * Makes every currently open stream silent (events held, no pings) while keeping its connection; the
   * returned function writes what was held and lets the streams speak again.
   */
  stall(): () => void {
    const stalled = [...this.streams].filter((stream) => stream.held === undefined);
    for (const stream of stalled) {
      stream.held = [];
      clearTimeout(stream.pingTimer);
    }
    return () => {
      for (const stream of stalled) this.resume(stream);
    };
  }

  private resume(stream: OpenStream): void {
    const held = stream.held ?? [];
    stream.held = undefined;
    if (!this.streams.has(stream)) return;
    for (const response of held) this.write(stream, response);
    this.armPing(stream);
  }

  private end(stream: OpenStream, code: Status, details: string): void {
    this.forget(stream);
    if (code === Status.OK) stream.call.end();
    else stream.call.emit('error', { code, details });
  }

  private write(stream: OpenStream, response: Buffer): void {
    stream.lastWrite = Date.now();
    stream.call.write(response);
  }

  private armPing(stream: OpenStream): void {
    if (this.pingInterval === Infinity) return;
    const due = stream.lastWrite + this.pingInterval - Date.now();
    stream.pingTimer = setTimeout(() => {
      if (stream.held || !this.streams.has(stream)) return;
      if (Date.now() - stream.lastWrite >= this.pingInterval) {
        this.pingsSent += 1;
        this.write(stream, encodeEventResponse([buildPingEvent()]));
      }
      this.armPing(stream);
    }, Math.max(1, due));
    stream.pingTimer.unref();
  }

  private forget(stream: OpenStream): void {
    clearTimeout(stream.pingTimer);
    if (this.streams.delete(stream)) this.openStreams$.next(this.streams.size);
  }
}
