import { Observable } from 'rxjs';
import { RateLimitError, RequestTimeoutError } from '../core/errors.js';
import type { CallOutcome, CallReport, Telemetry, TelemetrySource } from './telemetry.js';

/** What a timed call reports besides its outcome and timing. */
export interface TimedCallTarget {
  readonly source: TelemetrySource;
  readonly operation: string;
  readonly kind: CallReport['kind'];
  readonly destination?: string;
}

/**
 * `call` reporting one {@link CallReport} per subscription to `telemetry` when it ends: `'ok'` on completion
 * or when unsubscribed after a value, `'cancelled'` when unsubscribed before any; `call` itself when there is no telemetry, so that nothing is added to an unobserved client.
 */
export function timedCall<T>(telemetry: Telemetry | undefined, target: TimedCallTarget, call: Observable<T>): Observable<T> {
  if (telemetry === undefined) return call;
  return new Observable<T>((subscriber) => {
    const startTime = Date.now();
    const started = performance.now();
    const startContext = telemetry.callStarted?.(target.source, target.operation);
    let reported = false;
    let answered = false;
    const report = (outcome: CallOutcome, error?: unknown): void => {
      if (reported) return;
      reported = true;
      const errorType = error === undefined ? undefined : errorTypeOf(error);
      const durationMs = performance.now() - started;
      telemetry.callFinished({ ...target, outcome, startTime, durationMs, ...(errorType ? { errorType } : {}), ...(startContext === undefined ? {} : { startContext }) });
    };
    const subscription = call.subscribe({
      next: (value) => {
        answered = true;
        subscriber.next(value);
      },
      error: (error: unknown) => {
        report(outcomeOf(error), error);
        subscriber.error(error);
      },
      complete: () => {
        report('ok');
        subscriber.complete();
      },
    });
    return () => {
      subscription.unsubscribe();
      // A caller taking the answer and leaving (firstValueFrom, take(1)) unsubscribes before completion.
      report(answered ? 'ok' : 'cancelled');
    };
  });
}

function outcomeOf(error: unknown): CallOutcome {
  if (error instanceof RateLimitError) return 'rate_limited';
  if (error instanceof RequestTimeoutError) return 'timeout';
  return 'error';
}

/** The class name only: messages may quote a server's answer. */
function errorTypeOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
