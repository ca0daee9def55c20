import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { RequestTimeoutError } from '../core/errors.js';

/** What a transport returns: the status, a header reader and the body text. */
export interface HttpAnswer {
  /** The HTTP status code. */
  status: number;
  /** The value of response header `name` (case-insensitive), `undefined` when absent. */
  header(name: string): string | undefined;
  /** The response body as text (empty for no body). */
  text: string;
}

/**
 * One request in flight: its answer, and a way to abandon it.
 * @example
 * ```ts
 * const exchange = nodeHttpTransport()('https://misskey.example/api/meta', '{}', 30_000);
 * exchange.answer.then((a) => console.log(a.status));
 * ```
 */
export interface HttpExchange {
  /** Resolves with the answer; rejects on network failure or with {@link RequestTimeoutError}. */
  answer: Promise<HttpAnswer>;
  /** Abandons the request (the answer promise then never settles). */
  cancel(): void;
}

/**
 * Sends one `POST` with a JSON body. `timeoutMs` bounds the time without progress. The default is
 * {@link nodeHttpTransport}; {@link fetchTransport} adapts any `fetch`.
 */
export type HttpTransport = (url: string, body: string, timeoutMs: number) => HttpExchange;

/** The part of `fetch` the library needs (global `fetch`, undici's, a test double). */
export type FetchLike = (
  url: string,
  init: { method: string; body: string; headers: Record<string, string>; signal: AbortSignal },
) => Promise<{
  /** The HTTP status code. */
  status: number;
  /** The response headers. */
  headers: {
    /** The value of header `name` (case-insensitive), `null` when absent. */
    get(name: string): string | null;
  };
  /** Reads the whole body as text. */
  text(): Promise<string>;
}>;

const jsonHeaders = { 'Content-Type': 'application/json' };

function timeoutError(timeoutMs: number): RequestTimeoutError {
  return new RequestTimeoutError(`no answer within ${timeoutMs} ms`);
}

/**
 * A transport over `node:http`/`node:https` with a keep-alive agent: Node 20's global `fetch` spends about
 * 0.3 ms CPU per request, this a fraction of it (no AbortController, no per-request timer: the socket's
 * own inactivity timeout). Idle pooled sockets are closed after `idleMs`.
 *
 * @param idleMs how long an idle keep-alive socket is kept, in ms. @default 4000
 * @example
 * ```ts
 * misskey({ origin, token }); // uses nodeHttpTransport() unless `fetch` is given
 * ```
 */
export function nodeHttpTransport(idleMs = 4000): HttpTransport {
  let httpAgent: HttpAgent | undefined;
  let httpsAgent: HttpsAgent | undefined;
  return (url, body, timeoutMs) => {
    let cancelled = false;
    const secure = url.startsWith('https:');
    const agent = secure ? (httpsAgent ??= new HttpsAgent({ keepAlive: true, timeout: idleMs })) : (httpAgent ??= new HttpAgent({ keepAlive: true, timeout: idleMs }));
    const send = secure ? httpsRequest : httpRequest;
    let req: ReturnType<typeof httpRequest> | undefined;
    const answer = new Promise<HttpAnswer>((resolve, reject) => {
      req = send(url, { method: 'POST', agent, headers: { ...jsonHeaders, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const headers = res.headers;
          resolve({
            status: res.statusCode ?? 0,
            header: (name) => {
              const value = headers[name.toLowerCase()];
              return Array.isArray(value) ? value[0] : value;
            },
            text: chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.on('error', (error) => {
        if (!cancelled) reject(error);
      });
      if (Number.isFinite(timeoutMs)) req.setTimeout(timeoutMs, () => req?.destroy(timeoutError(timeoutMs)));
      req.end(body);
    });
    return {
      answer,
      cancel: () => {
        cancelled = true;
        req?.destroy();
      },
    };
  };
}

/**
 * Adapts a `fetch` implementation to a {@link HttpTransport}.
 *
 * @example
 * ```ts
 * misskey({ origin, fetch: globalThis.fetch });
 * ```
 */
export function fetchTransport(fetchImpl: FetchLike): HttpTransport {
  return (url, body, timeoutMs) => {
    const abort = new AbortController();
    let timedOut = false;
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(() => {
          timedOut = true;
          abort.abort();
        }, timeoutMs)
      : undefined;
    const answer = (async () => {
      try {
        const res = await fetchImpl(url, { method: 'POST', body, headers: jsonHeaders, signal: abort.signal });
        const text = await res.text();
        return { status: res.status, header: (name: string) => res.headers.get(name) ?? undefined, text };
      } catch (error) {
        throw timedOut ? timeoutError(timeoutMs) : error;
      } finally {
        clearTimeout(timer);
      }
    })();
    answer.catch(() => undefined);
    return {
      answer,
      cancel: () => {
        clearTimeout(timer);
        abort.abort();
      },
    };
  };
}
