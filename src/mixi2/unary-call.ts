import { Metadata, status as Status, type CallOptions, type Client, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { Observable, type Subscriber } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import type { Mixi2Auth } from './auth.js';
import { grpcErrorToStreamRx } from './grpc-errors.js';
import type { Mixi2ApiMethod } from './api.js';

/** One unary RPC as the call needs it, resolved once per method (internal). */
export interface UnaryRpc<Response> {
  readonly method: Mixi2ApiMethod;
  /** The RPC's name in error messages and telemetry, e.g. `'GetUsers'`. */
  readonly rpcName: string;
  readonly path: string;
  readonly requestSerialize: (request: unknown) => Buffer;
  readonly responseDeserialize: (bytes: Buffer) => Response;
  /** Builds the request message from a partial; throws when the partial does not fit. */
  readonly fromPartial: (partial: unknown) => unknown;
}

/** What a unary call needs from its client (internal). */
export interface UnaryCallContext {
  auth: Mixi2Auth;
  authKey: string | undefined;
  /** Lends the gRPC client for the duration of one call. */
  acquire(): Client;
  release(): void;
  /** Per-call deadline in milliseconds. */
  timeout: number;
  /** Reads an answer's headers and trailers (the rate governor); absent, the call does not listen for them. */
  observe?: (method: Mixi2ApiMethod, metadata: Metadata) => void;
}

type Settle<Response> = (error: unknown, response?: Response) => void;

/**
 * One unary RPC as a cold Observable: the token (the cached one at once, else after `auth.token()`), the
 * call, one retry with a refreshed token after UNAUTHENTICATED, every failure mapped to the streamrx error
 * taxonomy, and the gRPC call cancelled on unsubscribe.
 */
export function unaryCall<Response>(context: UnaryCallContext, rpc: UnaryRpc<Response>, partial: unknown): Observable<Response> {
  return new Observable<Response>((subscriber) => {
    let request: unknown;
    try {
      request = rpc.fromPartial(partial);
    } catch (error) {
      subscriber.error(new InvalidArgumentError(`${rpc.method}: the request does not fit ${rpc.method}'s request message`, { cause: error }));
      return undefined;
    }
    const run = new UnaryCallRun(context, rpc, request, subscriber);
    run.start(false);
    return () => run.cancel();
  });
}

/**
 * The state of one subscription to a {@link unaryCall}. A class, not a chain of operators or closures,
 * because it runs once per API call: each operator layer or per-call closure measured as client CPU.
 */
class UnaryCallRun<Response> {
  /** The gRPC call in flight, until it settles or is cancelled. */
  private call: ClientUnaryCall | undefined;
  private refreshed = false;
  /** The callback's result, kept until `'status'` when the answer's trailers are observed. */
  private answer: [ServiceError | null, Response | undefined] | undefined;

  constructor(
    private readonly context: UnaryCallContext,
    private readonly rpc: UnaryRpc<Response>,
    private readonly request: unknown,
    private readonly subscriber: Subscriber<Response>,
  ) {}

  /** Sends the call with the cached token, or once `auth.token()` answered (`refresh`: a new one). */
  start(refresh: boolean): void {
    const { auth } = this.context;
    try {
      const current = refresh ? undefined : auth.currentToken?.();
      if (current !== undefined) return this.send(current, refresh);
      auth.token({ refresh }).then(
        (token) => {
          if (!this.subscriber.closed) this.send(token, refresh);
        },
        (error: unknown) => this.fail(error),
      );
    } catch (error) {
      this.fail(error);
    }
  }

  cancel(): void {
    const { call } = this;
    if (call === undefined) return;
    this.call = undefined;
    call.cancel();
    this.context.release();
  }

  private send(token: string, refreshed: boolean): void {
    const { context, rpc } = this;
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    if (context.authKey !== undefined) metadata.set('x-auth-key', context.authKey);
    const options: Partial<CallOptions> = context.timeout === Infinity ? {} : { deadline: Date.now() + context.timeout };
    this.refreshed = refreshed;
    const call = context.acquire().makeUnaryRequest(rpc.path, rpc.requestSerialize, rpc.responseDeserialize, this.request, metadata, options, (error, response) =>
      this.answered(error, response),
    );
    this.call = call;
    // With a governor the answer is settled on 'status', after its trailers were read, so that the governor
    // knows the remaining budget before the caller sends its next call; without one, no listener is added.
    if (context.observe === undefined) return;
    call.on('metadata', (headers) => context.observe?.(rpc.method, headers));
    call.on('status', ({ metadata: trailers }) => this.statusReceived(trailers));
  }

  private answered(error: ServiceError | null, response: Response | undefined): void {
    if (this.context.observe === undefined) this.settle(error, response);
    else this.answer = [error, response];
  }

  private statusReceived(trailers: Metadata): void {
    if (this.call === undefined) return;
    this.context.observe?.(this.rpc.method, trailers);
    const [error, response] = this.answer ?? [null, undefined];
    this.settle(error, response);
  }

  private settle(error: ServiceError | null, response: Response | undefined): void {
    if (this.call === undefined) return;
    this.call = undefined;
    this.context.release();
    const { subscriber } = this;
    if (error === null && response !== undefined) {
      subscriber.next(response);
      subscriber.complete();
    } else if (error === null) {
      this.fail(new Error(`${this.rpc.method}: empty response`));
    } else if (!this.refreshed && error.code === Status.UNAUTHENTICATED) {
      this.start(true);
    } else {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.subscriber.error(grpcErrorToStreamRx(error, this.rpc.rpcName));
  }
}
