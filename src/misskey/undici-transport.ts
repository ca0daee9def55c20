import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { DeadlineSweep } from './deadline-sweep.js';
import { nodeHttpTransport, timeoutError, type HttpAnswer, type HttpExchange, type HttpTransport } from './http-transport.js';

const jsonHeaders = { 'content-type': 'application/json' };
/** The reason given to undici for an abandoned request: nobody sees it, so one is enough. */
const cancelled = new Error('request cancelled');

/** The answer of a finished request, read from undici's lower-cased header record. */
class UndiciAnswer implements HttpAnswer {
  constructor(
    readonly status: number,
    private readonly headers: IncomingHttpHeaders,
    readonly text: string,
  ) {}

  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }
}

/**
 * One `POST` on undici's dispatcher, as the handler undici calls back: collects the body, settles the answer
 * once, and ends the request on cancel or deadline (at once when undici has started it, else when it does).
 */
class DispatchedRequest implements Dispatcher.DispatchHandler, HttpExchange {
  readonly answer: Promise<HttpAnswer>;
  private resolve!: (answer: HttpAnswer) => void;
  private reject!: (error: unknown) => void;
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: Error | undefined;
  private settled = false;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];

  constructor(private readonly deadlines: DeadlineSweep<DispatchedRequest>) {
    this.answer = new Promise<HttpAnswer>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason !== undefined) controller.abort(this.abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (!this.settle()) return;
    const chunks = this.chunks;
    const text = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.resolve(new UndiciAnswer(this.status, this.headers, text));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settle()) this.reject(error);
  }

  /** Fails the answer with `error` and stops the request (its deadline passed). */
  expire(error: Error): void {
    if (this.settle()) this.reject(error);
    this.abort(error);
  }

  /** Abandons the request; nothing to do once it is answered (the teardown of every call comes here). */
  cancel(): void {
    if (this.settle()) this.abort(cancelled);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.deadlines.settled(this);
    return true;
  }

  private abort(reason: Error): void {
    if (this.controller === undefined) this.abortReason ??= reason;
    else this.controller.abort(reason);
  }
}

/** `https://host:port/path` → the origin and the path, without parsing a URL per request. */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash < 0 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

/**
 * The default transport: JSON calls through a keep-alive connection pool of undici (the HTTP client of the
 * Node.js project), its lowest-level `dispatch` API, with one shared timer for every request's time limit
 * and no `AbortController`. About twice the calls per CPU-second of `node:http` here. Idle connections
 * close after `idleMs` and never keep the process alive. Uploads (`upload`) stream through
 * {@link nodeHttpTransport}'s, which reports progress as the socket takes the bytes.
 *
 * @param idleMs how long an idle keep-alive connection is kept, in ms. @default 4000
 * @example
 * ```ts
 * misskey({ origin, token, http: { transport: undiciTransport(10_000) } });
 * ```
 */
export function undiciTransport(idleMs = 4000): HttpTransport {
  const pools = new Map<string, Pool>();
  const deadlines = new DeadlineSweep<DispatchedRequest>(timeoutError, (request, error) => request.expire(error));
  const poolOf = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, { keepAliveTimeout: idleMs });
      pools.set(origin, pool);
    }
    return pool;
  };
  const transport: HttpTransport = (url, body, timeoutMs) => {
    const { origin, path } = splitUrl(url);
    const request = new DispatchedRequest(deadlines);
    deadlines.watch(request, timeoutMs);
    poolOf(origin).dispatch({ origin, path, method: 'POST', headers: jsonHeaders, body }, request);
    return request;
  };
  transport.upload = nodeHttpTransport(idleMs).upload;
  return transport;
}
