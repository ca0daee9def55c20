import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { ConnectionLostError, InvalidArgumentError, RateLimitError, RequestTimeoutError, isTerminal, type StreamRxError } from '../core/errors.js';
import type { RateGovernor } from '../core/rate-governor.js';
import { redact } from '../core/redact.js';
import { retryWait, type RetryBackoffOptions } from '../core/retry-backoff.js';
import { MisskeyApiError, misskeyErrorOf } from './api-error.js';
import type { HttpAnswer, HttpExchange, HttpTransport } from './http-transport.js';
import { hasFileParam, multipartBody, type MultipartBody } from './multipart-body.js';
import { rateLimitHoldMs } from './rate-limit-hold.js';

/** Options of the HTTP API transport (see {@link MisskeyOptions}). */
export interface HttpApiOptions {
  origin: string;
  token: string | undefined;
  transport: HttpTransport;
  /** Backoff of retried calls (5xx and network errors; 429 if `retryRateLimited`). `maxRetries: 0` disables. */
  retry: RetryBackoffOptions;
  /** Whether a 429 call waits for its endpoint's hold and tries again (within `retry.maxRetries`). */
  retryRateLimited: boolean;
  /** Time one attempt may take until its whole answer is in, in ms. */
  timeout: number;
  /** Every attempt starts through it, keyed by endpoint; a 429 holds the endpoint in it. */
  governor: RateGovernor;
  scheduler: SchedulerLike | undefined;
  /** Told of each failed attempt of `endpoint` about to be tried again, and whether it was a 429. */
  onRetried?: (endpoint: string, rateLimited: boolean) => void;
}

/** Reports an upload's progress: bytes handed to the network so far, of `total`. */
export type UploadProgressListener = (sent: number, total: number) => void;

/** One HTTP API call as a cold Observable; `onSent` reports the progress of a multipart upload. */
export type HttpCall = <R>(endpoint: string, params: object | undefined, onSent?: UploadProgressListener) => Observable<R>;

/**
 * The default backoff of retried HTTP calls: 250 ms, ×2, ≤ 5 s, ±50 % jitter, 3 retries.
 * @example
 * ```ts
 * misskey({ origin, http: { retry: { ...defaultHttpRetry, maxRetries: 5 } } });
 * ```
 */
export const defaultHttpRetry: Readonly<RetryBackoffOptions> = Object.freeze({ initialDelay: 250, multiplier: 2, maxDelay: 5000, maxRetries: 3, jitter: 0.5 });

function parseAnswer(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: `non-JSON answer: ${text.slice(0, 120)}` } };
  }
}

function shouldRetry(retryRateLimited: boolean): (error: unknown) => boolean {
  return (error) => {
    if (error instanceof RateLimitError) return retryRateLimited;
    if (error instanceof MisskeyApiError) return error.retryable;
    return error instanceof ConnectionLostError && !isTerminal(error);
  };
}

function uploadBody(params: object | undefined, token: string | undefined, transport: HttpTransport): MultipartBody {
  if (transport.upload === undefined) throw new InvalidArgumentError('this HTTP transport cannot send files (it has no upload)');
  return multipartBody(token === undefined ? { ...params } : { i: token, ...params });
}

/**
 * Makes `POST /api/<endpoint>` calls as cold Observables: the token as `i` in the body, 200 → the parsed
 * body, 204 → `null`, errors mapped by {@link misskeyErrorOf}, server and network failures retried with
 * backoff, client errors never; an attempt still unanswered after `timeout` ms fails with
 * {@link RequestTimeoutError} (not retried: the call may have happened). Unsubscribing aborts the request.
 * Params holding a file value (see {@link isFileValue}) go as `multipart/form-data` through the transport's
 * `upload`; an upload from a stream is never retried (its bytes cannot be read twice). Every attempt starts
 * through the governor (key: the endpoint); a 429 holds the endpoint there until `info.resetMs` /
 * `Retry-After`, for every caller, and with `retryRateLimited` the call then tries again.
 *
 * @example
 * ```ts
 * const call = httpApi({ origin, token, transport: nodeHttpTransport(), retry: defaultHttpRetry, retryRateLimited: true, timeout: 30_000, governor: new RateGovernor(), scheduler: undefined });
 * call<{ createdNote: Note }>('notes/create', { text: 'hi' }).subscribe(console.log);
 * ```
 */
export function httpApi(options: HttpApiOptions): HttpCall {
  const { origin, token, transport, timeout, governor, scheduler = asyncScheduler } = options;
  const base = origin.replace(/\/+$/, '');
  const retry: RetryBackoffOptions = { ...options.retry, shouldRetry: shouldRetry(options.retryRateLimited) };
  const failureOf = (endpoint: string, error: unknown): StreamRxError => {
    if (error instanceof RequestTimeoutError) return new RequestTimeoutError(`${endpoint}: ${error.message}`);
    if (error instanceof InvalidArgumentError) return new InvalidArgumentError(`${endpoint}: ${error.message}`);
    const reason = redact(String((error as { code?: unknown })?.code ?? (error as Error)?.message ?? error), [token]);
    return new ConnectionLostError(`POST /api/${endpoint} failed: ${reason}`);
  };
  /** Holds the endpoint for every caller; the wait of the hold, or `fallback` when the answer named none. */
  const hold = (endpoint: string, error: RateLimitError, fallback: number | undefined): void => {
    const now = scheduler.now();
    const wait = rateLimitHoldMs(error, now) ?? fallback;
    if (wait !== undefined && wait > 0) governor.holdUntil(endpoint, now + wait);
  };
  // One Observable per call that retries by itself: a `retry` operator would add layers to every call.
  return <R>(endpoint: string, params: object | undefined, onSent?: UploadProgressListener) =>
    new Observable<R>((subscriber) => {
      const url = `${base}/api/${endpoint}`;
      let body: string | undefined;
      let upload: MultipartBody | undefined;
      try {
        if (hasFileParam(params)) upload = uploadBody(params, token, transport);
        else body = JSON.stringify(token === undefined ? { ...params } : { ...params, i: token });
      } catch (error) {
        subscriber.error(error);
        return;
      }
      const sent = upload && ((bytes: number) => onSent?.(bytes, (upload as MultipartBody).length));
      let exchange: HttpExchange | undefined;
      let attemptRun: Subscription | undefined;
      let pause: Subscription | undefined;
      let attempt = 0;
      const failed = (error: unknown): void => {
        if (subscriber.closed) return;
        const wait = upload?.replayable === false ? undefined : retryWait(error, ++attempt, retry);
        if (error instanceof RateLimitError) hold(endpoint, error, wait);
        if (wait === undefined) return subscriber.error(error);
        options.onRetried?.(endpoint, error instanceof RateLimitError);
        if (error instanceof RateLimitError) send(); // the governor waits out the hold
        else pause = scheduler.schedule(send, wait);
      };
      const answered = (answer: HttpAnswer): void => {
        if (answer.status !== 200 && answer.status !== 204) {
          failed(misskeyErrorOf(endpoint, answer.status, parseAnswer(answer.text), answer.header('retry-after')));
          return;
        }
        subscriber.next((answer.status === 204 ? null : parseAnswer(answer.text)) as R);
        subscriber.complete();
      };
      const request = new Observable<never>(() => {
        try {
          exchange = upload ? (transport.upload as NonNullable<HttpTransport['upload']>)(url, upload, timeout, sent as (bytes: number) => void) : transport(url, body as string, timeout);
        } catch (error) {
          // also on a retry, where a throw would escape the scheduler instead of reaching the subscriber
          subscriber.error(error);
          return;
        }
        exchange.answer.then(answered, (error: unknown) => failed(failureOf(endpoint, error)));
      });
      function send(): void {
        attemptRun?.unsubscribe();
        attemptRun = governor.schedule(endpoint, request).subscribe({ error: (error: unknown) => subscriber.error(error) });
      }
      send();
      return () => {
        exchange?.cancel();
        attemptRun?.unsubscribe();
        pause?.unsubscribe();
        upload?.dispose(); // also a stream never read: the call ended while waiting for the governor
      };
    });
}
