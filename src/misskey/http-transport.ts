import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { RequestTimeoutError } from '../core/errors.js';
import { DeadlineSweep } from './deadline-sweep.js';
import type { MultipartBody } from './multipart-body.js';
import { pumpUpload } from './upload-pump.js';

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
 * Sends one `POST` of a {@link MultipartBody}, streaming it; `onSent(bytes)` reports the bytes handed to the
 * network so far. `timeoutMs` bounds the whole exchange, upload included. Cancelling stops the upload.
 *
 * @example
 * ```ts
 * const exchange = nodeHttpTransport().upload!(url, multipartBody({ i: token, file }), 30_000, (sent) => console.log(sent));
 * ```
 */
export type UploadTransport = (url: string, body: MultipartBody, timeoutMs: number, onSent: (bytes: number) => void) => HttpExchange;

/**
 * Sends one `POST` with a JSON body. `timeoutMs` bounds the time until the whole answer is in. The default is
 * {@link nodeHttpTransport}; {@link fetchTransport} adapts any `fetch`. A transport that can also send
 * multipart uploads has an {@link UploadTransport} as `upload` (both built-in ones do); uploads through a
 * transport without it fail with {@link streamrx!InvalidArgumentError}.
 */
export interface HttpTransport {
  (url: string, body: string, timeoutMs: number): HttpExchange;
  /** Sends a multipart upload. @default absent: the transport cannot upload */
  upload?: UploadTransport;
}

/** The part of `fetch` the library needs (global `fetch`, undici's, a test double). Uploads pass a stream body with `duplex: 'half'`. */
export type FetchLike = (
  url: string,
  init: { method: string; body: string | ReadableStream<Uint8Array>; headers: Record<string, string>; signal: AbortSignal; duplex?: 'half' },
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

export function timeoutError(timeoutMs: number): RequestTimeoutError {
  return new RequestTimeoutError(`no answer within ${timeoutMs} ms`);
}

/**
 * A transport over `node:http`/`node:https` with a keep-alive agent: Node 20's global `fetch` spends about
 * 0.3 ms CPU per request, this a fraction of it (no AbortController, and one shared timer for every
 * request's time limit instead of a timer per request). Idle pooled sockets are closed after `idleMs`.
 * Its `upload` streams multipart bodies with `Content-Length`, respecting back-pressure.
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
  const deadlines = new DeadlineSweep<ClientRequest>(timeoutError, (req, error) => req.destroy(error));
  const exchange = (url: string, headers: Record<string, string | number>, timeoutMs: number, sendBody: (req: ClientRequest, fail: (error: unknown) => void) => void): HttpExchange => {
    let cancelled = false;
    const secure = url.startsWith('https:');
    const agent = secure ? (httpsAgent ??= new HttpsAgent({ keepAlive: true, timeout: idleMs })) : (httpAgent ??= new HttpAgent({ keepAlive: true, timeout: idleMs }));
    const send = secure ? httpsRequest : httpRequest;
    let req: ClientRequest | undefined;
    const answer = new Promise<HttpAnswer>((resolve, reject) => {
      req = send(url, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => {
          deadlines.settled(req);
          reject(error);
        });
        res.on('end', () => {
          deadlines.settled(req);
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
        deadlines.settled(req);
        if (!cancelled) reject(error);
      });
      deadlines.watch(req, timeoutMs);
      sendBody(req, (error) => {
        deadlines.settled(req);
        if (!cancelled) reject(error);
        req?.destroy();
      });
    });
    return {
      answer,
      cancel: () => {
        cancelled = true;
        deadlines.settled(req);
        req?.destroy();
      },
    };
  };
  const transport: HttpTransport = (url, body, timeoutMs) =>
    exchange(url, { ...jsonHeaders, 'Content-Length': Buffer.byteLength(body) }, timeoutMs, (req) => req.end(body));
  transport.upload = (url, body, timeoutMs, onSent) =>
    exchange(url, { 'Content-Type': body.contentType, 'Content-Length': body.length }, timeoutMs, (req, fail) => pumpUpload(req, body, onSent, fail));
  return transport;
}

/** A `ReadableStream` over a multipart body's chunks, counting what `fetch` has pulled as sent. */
function uploadStream(body: MultipartBody, onSent: (bytes: number) => void): ReadableStream<Uint8Array> {
  let chunks: AsyncIterator<Uint8Array> | undefined;
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      chunks ??= body.chunks()[Symbol.asyncIterator]();
      const next = await chunks.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(next.value);
      sent += next.value.byteLength;
      onSent(sent);
    },
    cancel: async () => {
      body.dispose();
      await chunks?.return?.();
    },
  });
}

/**
 * Adapts a `fetch` implementation to a {@link HttpTransport}. Its `upload` passes the multipart body as a
 * stream (`duplex: 'half'`) with `Content-Length`; progress counts the bytes `fetch` has read.
 *
 * @example
 * ```ts
 * misskey({ origin, fetch: globalThis.fetch });
 * ```
 */
export function fetchTransport(fetchImpl: FetchLike): HttpTransport {
  const exchange = (url: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string>, timeoutMs: number): HttpExchange => {
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
        const res = await fetchImpl(url, typeof body === 'string' ? { method: 'POST', body, headers, signal: abort.signal } : { method: 'POST', body, headers, signal: abort.signal, duplex: 'half' });
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
  const transport: HttpTransport = (url, body, timeoutMs) => exchange(url, body, jsonHeaders, timeoutMs);
  transport.upload = (url, body, timeoutMs, onSent) =>
    exchange(url, uploadStream(body, onSent), { 'Content-Type': body.contentType, 'Content-Length': String(body.length) }, timeoutMs);
  return transport;
}
