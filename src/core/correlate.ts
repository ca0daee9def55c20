import { asyncScheduler, Observable, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { ConnectionLostError, RequestTimeoutError } from './errors.js';

/** Options of {@link correlate}. */
export interface CorrelateOptions {
  /** Time a request may wait for its response, in milliseconds; `Infinity` waits forever. @default 30000 */
  timeout?: number;
  /** Produces the id of each request; ids must be unique among pending requests. @default "1", "2", … */
  nextId?: () => string;
  /** Clock and timer of the timeouts; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** Request/response bookkeeping over one multiplexed link. Create one with {@link correlate}. */
export interface Correlator<TResponse> {
  /**
   * A cold Observable of the response to one request. On subscribe it takes a fresh id, registers the
   * request and calls `send(id)`; it emits the response and completes. Unsubscribing before the response
   * forgets the request; a response arriving later is ignored.
   */
  request(send: (id: string) => void): Observable<TResponse>;
  /** Routes a response to its request; `false` when no request with that id is pending. */
  resolve(id: string, response: TResponse): boolean;
  /** Fails one pending request; `false` when no request with that id is pending. */
  reject(id: string, error: unknown): boolean;
  /** Fails every pending request, with {@link ConnectionLostError} unless told otherwise (the link dropped). */
  failAll(error?: unknown): void;
  /** Number of requests awaiting a response. */
  readonly pending: number;
}

interface PendingRequest<TResponse> {
  subscriber: Subscriber<TResponse>;
  deadline: number;
}

/**
 * Creates the id-to-pending-request map shared by request/response exchanges over one duplex link:
 * O(1) routing through a Map, one timer for all timeouts (requests expire in the order they were made),
 * and every pending request failed on link loss. Requests are never re-sent.
 *
 * @example
 * ```ts
 * const requests = correlate<ApiResponse>({ timeout: 10_000 });
 * socket.on('message', (frame) => requests.resolve(frame.id, frame.body));
 * socket.on('close', () => requests.failAll());
 * requests.request((id) => socket.send(JSON.stringify({ type: 'api', id, endpoint: 'i', data: {} })))
 *   .subscribe((me) => console.log(me));
 * ```
 */
export function correlate<TResponse>(options: CorrelateOptions = {}): Correlator<TResponse> {
  const { timeout = 30_000, scheduler = asyncScheduler } = options;
  let counter = 0;
  const nextId = options.nextId ?? (() => String(++counter));
  const pending = new Map<string, PendingRequest<TResponse>>();
  let timer: Subscription | undefined;

  const disarmWhenIdle = (): void => {
    if (pending.size === 0 && timer) {
      timer.unsubscribe();
      timer = undefined;
    }
  };
  const expire = (): void => {
    timer = undefined;
    const now = scheduler.now();
    for (const [id, request] of pending) {
      if (request.deadline > now) {
        timer = scheduler.schedule(expire, request.deadline - now);
        return;
      }
      pending.delete(id);
      request.subscriber.error(new RequestTimeoutError(`no response to request ${id} within ${timeout} ms`));
    }
  };
  const take = (id: string): PendingRequest<TResponse> | undefined => {
    const request = pending.get(id);
    if (request === undefined) return undefined;
    pending.delete(id);
    disarmWhenIdle();
    return request;
  };

  return {
    request: (send) =>
      new Observable<TResponse>((subscriber) => {
        const id = nextId();
        const deadline = timeout === Infinity ? Infinity : scheduler.now() + timeout;
        pending.set(id, { subscriber, deadline });
        if (timer === undefined && timeout !== Infinity) timer = scheduler.schedule(expire, timeout);
        try {
          send(id);
        } catch (error) {
          take(id);
          subscriber.error(error);
        }
        return () => {
          if (pending.get(id)?.subscriber === subscriber) take(id);
        };
      }),
    resolve: (id, response) => {
      const request = take(id);
      if (request === undefined) return false;
      request.subscriber.next(response);
      request.subscriber.complete();
      return true;
    },
    reject: (id, error) => {
      const request = take(id);
      if (request === undefined) return false;
      request.subscriber.error(error);
      return true;
    },
    failAll: (error = new ConnectionLostError('link lost with requests pending')) => {
      const requests = [...pending.values()];
      pending.clear();
      disarmWhenIdle();
      for (const request of requests) request.subscriber.error(error);
    },
    get pending() {
      return pending.size;
    },
  };
}
