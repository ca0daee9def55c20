import { asyncScheduler, Observable, type SchedulerAction, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { ConnectionLostError, InvalidArgumentError, RequestTimeoutError } from './errors.js';

/** Options of {@link correlate}. */
export interface CorrelateOptions {
  /**
   * Time a request may wait for its response, in milliseconds; `Infinity` waits forever. A request fails
   * between `timeout` and `timeout × 9/8` after it was sent: time is kept in ticks of `timeout / 8`, so
   * sending costs no clock read.
   * @default 30000
   */
  timeout?: number;
  /** Produces the id of each request; ids must be unique among pending requests. @default "1", "2", … */
  nextId?: () => string;
  /** Timer of the timeouts; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
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

const TICKS_PER_TIMEOUT = 8;

/** One request awaiting its response; it is also the teardown of the request's subscription. */
class PendingRequest<TResponse> {
  constructor(
    readonly id: string,
    readonly subscriber: Subscriber<TResponse>,
    readonly expiresAtTick: number,
    private readonly forget: (request: PendingRequest<TResponse>) => void,
  ) {}

  unsubscribe(): void {
    this.forget(this);
  }
}

/**
 * Creates the id-to-pending-request map shared by request/response exchanges over one duplex link:
 * O(1) routing through a Map, one timer for all timeouts (only while requests are pending), and every
 * pending request failed on link loss. Requests are never re-sent.
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
  if (!(timeout > 0)) throw new InvalidArgumentError(`correlate timeout must be positive, got ${timeout}`);
  let counter = 0;
  const nextId = options.nextId ?? (() => String(++counter));
  const pending = new Map<string, PendingRequest<TResponse>>();
  const tickMs = timeout / TICKS_PER_TIMEOUT;
  let tick = 0;
  let timer: Subscription | undefined;

  const expireDue = (): void => {
    for (const [id, request] of pending) {
      if (request.expiresAtTick > tick) return;
      pending.delete(id);
      request.subscriber.error(new RequestTimeoutError(`no response to request ${id} within ${timeout} ms`));
    }
  };
  function onTick(this: SchedulerAction<void>): void {
    tick++;
    expireDue();
    if (pending.size > 0) this.schedule(undefined, tickMs);
    else timer = undefined;
  }
  const disarmWhenIdle = (): void => {
    if (pending.size === 0 && timer !== undefined) {
      timer.unsubscribe();
      timer = undefined;
    }
  };
  const take = (id: string): PendingRequest<TResponse> | undefined => {
    const request = pending.get(id);
    if (request !== undefined) pending.delete(id);
    disarmWhenIdle();
    return request;
  };
  const forget = (request: PendingRequest<TResponse>): void => {
    if (pending.get(request.id) === request) take(request.id);
  };
  const register = (subscriber: Subscriber<TResponse>, send: (id: string) => void): PendingRequest<TResponse> => {
    const id = nextId();
    const request = new PendingRequest(id, subscriber, tick + TICKS_PER_TIMEOUT + 1, forget);
    pending.set(id, request);
    if (timer === undefined && timeout !== Infinity) timer = scheduler.schedule(onTick, tickMs);
    try {
      send(id);
    } catch (error) {
      take(id);
      subscriber.error(error);
    }
    return request;
  };

  return {
    request: (send) => new Observable<TResponse>((subscriber) => register(subscriber, send)),
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
