import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { ConnectionLostError, RateLimitError, RequestTimeoutError, isTerminal, type StreamRxError } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { retryWait, type RetryBackoffOptions } from '../core/retry-backoff.js';
import { MisskeyApiError, misskeyErrorOf } from './api-error.js';
import type { HttpAnswer, HttpExchange, HttpTransport } from './http-transport.js';

/** Options of the HTTP API transport (see {@link MisskeyOptions}). */
export interface HttpApiOptions {
  origin: string;
  token: string | undefined;
  transport: HttpTransport;
  /** Backoff of retried calls (5xx and network errors; 429 if `retryRateLimited`). `maxRetries: 0` disables. */
  retry: RetryBackoffOptions;
  retryRateLimited: boolean;
  /** Time one attempt may take until its whole answer is in, in ms. */
  timeout: number;
  scheduler: SchedulerLike | undefined;
}

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

/**
 * Makes `POST /api/<endpoint>` calls as cold Observables: the token as `i` in the body, 200 → the parsed
 * body, 204 → `null`, errors mapped by {@link misskeyErrorOf}, server and network failures retried with
 * backoff, client errors never; an attempt still unanswered after `timeout` ms fails with
 * {@link RequestTimeoutError} (not retried: the call may have happened). Unsubscribing aborts the request.
 *
 * @example
 * ```ts
 * const call = httpApi({ origin, token, transport: nodeHttpTransport(), retry: defaultHttpRetry, retryRateLimited: false, timeout: 30_000, scheduler: undefined });
 * call<{ createdNote: Note }>('notes/create', { text: 'hi' }).subscribe(console.log);
 * ```
 */
export function httpApi(options: HttpApiOptions): <R>(endpoint: string, params: object | undefined) => Observable<R> {
  const { origin, token, transport, timeout, scheduler = asyncScheduler } = options;
  const base = origin.replace(/\/+$/, '');
  const retry: RetryBackoffOptions = { ...options.retry, shouldRetry: shouldRetry(options.retryRateLimited) };
  const failureOf = (endpoint: string, error: unknown): StreamRxError => {
    if (error instanceof RequestTimeoutError) return new RequestTimeoutError(`${endpoint}: ${error.message}`);
    const reason = redact(String((error as { code?: unknown })?.code ?? (error as Error)?.message ?? error), [token]);
    return new ConnectionLostError(`POST /api/${endpoint} failed: ${reason}`);
  };
  // One Observable per call that retries by itself: a `retry` operator would add layers to every call.
  return <R>(endpoint: string, params: object | undefined) =>
    new Observable<R>((subscriber) => {
      const url = `${base}/api/${endpoint}`;
      const body = JSON.stringify(token === undefined ? { ...params } : { ...params, i: token });
      let exchange: HttpExchange | undefined;
      let pause: Subscription | undefined;
      let attempt = 0;
      const failed = (error: unknown): void => {
        if (subscriber.closed) return;
        const wait = retryWait(error, ++attempt, retry);
        if (wait === undefined) subscriber.error(error);
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
      function send(): void {
        try {
          exchange = transport(url, body, timeout);
        } catch (error) {
          // also on a retry, where a throw would escape the scheduler instead of reaching the subscriber
          subscriber.error(error);
          return;
        }
        exchange.answer.then(answered, (error: unknown) => failed(failureOf(endpoint, error)));
      }
      send();
      return () => {
        exchange?.cancel();
        pause?.unsubscribe();
      };
    });
}
