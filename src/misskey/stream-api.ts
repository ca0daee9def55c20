import { Observable, type SchedulerLike, type Subscriber } from 'rxjs';
import { correlate, type Correlator } from '../core/correlate.js';
import { ConnectionLostError } from '../core/errors.js';
import { misskeyErrorOf } from './api-error.js';
import type { SocketPort } from './socket-port.js';

/** Options of {@link StreamApi}. */
export interface StreamApiOptions {
  /** Time a request may wait for its answer, in ms. */
  timeout: number;
  /** Requests held while disconnected; past it the oldest fails with ConnectionLostError. */
  maxQueued: number;
  /** Called for each request dropped from the full queue. */
  onDropped(): void;
  scheduler: SchedulerLike | undefined;
}

interface QueuedRequest {
  id: string;
  frame: string;
  live: boolean;
}

/**
 * The legacy stream API: `{type:'api', id, endpoint, data}` answered by `{type:'api-res:<id>', body}`
 * (`{res}` or `{e}`), correlated through the core `correlate`. Requests made while disconnected wait in a
 * bounded queue and go out after the socket's channels and notes; requests pending at a drop fail with
 * ConnectionLostError and are never re-sent.
 *
 * @example
 * ```ts
 * const api = new StreamApi(port, { timeout: 30_000, maxQueued: 1000, onDropped: () => {}, scheduler: undefined });
 * api.request('notes/create', { text: 'hi' }).subscribe(console.log);
 * ```
 */
export class StreamApi {
  private readonly correlator: Correlator<unknown>;
  private readonly endpoints = new Map<string, string>();
  private readonly queue: QueuedRequest[] = [];

  constructor(
    private readonly port: SocketPort,
    private readonly options: StreamApiOptions,
  ) {
    this.correlator = correlate({ timeout: options.timeout, ...(options.scheduler ? { scheduler: options.scheduler } : {}) });
  }

  request<R>(endpoint: string, data: unknown): Observable<R> {
    return new Observable<R>((subscriber) => {
      this.port.acquire();
      const entry: QueuedRequest = { id: '', frame: '', live: true };
      const request = this.correlator
        .request((id) => {
          entry.id = id;
          entry.frame = JSON.stringify({ type: 'api', id, endpoint, data: data ?? {} });
          this.endpoints.set(id, endpoint);
          if (!this.port.send(entry.frame)) this.enqueue(entry);
        })
        .subscribe(subscriber as Subscriber<unknown>);
      return () => {
        entry.live = false;
        this.endpoints.delete(entry.id);
        request.unsubscribe();
        this.port.release();
      };
    });
  }

  /** Sends the requests made while disconnected (call once the socket is open and resubscribed). */
  flush(): void {
    for (const entry of this.queue.splice(0)) if (entry.live) this.port.send(entry.frame);
  }

  /** Routes an `api-res:<id>` body to its request. */
  answer(id: string, body: unknown): void {
    const endpoint = this.endpoints.get(id) ?? 'stream api';
    this.endpoints.delete(id);
    const answer = (body ?? null) as { res?: unknown; e?: unknown } | null;
    if (answer !== null && typeof answer === 'object' && 'e' in answer && answer.e) {
      this.correlator.reject(id, misskeyErrorOf(endpoint, undefined, answer.e));
    } else {
      this.correlator.resolve(id, answer !== null && typeof answer === 'object' && 'res' in answer ? answer.res : answer);
    }
  }

  /** The socket dropped: every request sent on it fails (never re-sent). */
  dropped(): void {
    this.endpoints.clear();
    this.correlator.failAll(new ConnectionLostError('streaming socket dropped with stream API requests pending'));
  }

  /** Ends every request with `error` and forgets the queue. */
  failAll(error: unknown): void {
    this.queue.length = 0;
    this.correlator.failAll(error);
  }

  /** Forgets the queue (the socket is being closed on purpose). */
  clear(): void {
    this.queue.length = 0;
  }

  private enqueue(entry: QueuedRequest): void {
    this.queue.push(entry);
    if (this.queue.length <= this.options.maxQueued) return;
    const dropped = this.queue.shift() as QueuedRequest;
    this.options.onDropped();
    if (dropped.live) this.correlator.reject(dropped.id, new ConnectionLostError('dropped from the full outbound queue while disconnected'));
  }
}
