import { identity, merge, map, take, takeUntil, tap, type Observable, type Subscription } from 'rxjs';
import type { ConnectionState } from '../core/connection-state.js';
import { ExitCode } from './exit-code.js';
import { reportFailure } from './failure-report.js';
import type { Output } from './output.js';
import type { TailSession } from './tail-session.js';

/**
 * Options of {@link runTail}.
 *
 * @example
 * ```ts
 * await runTail(session, { output: createOutput(), limit: 5, stop$: stopSignal$() });
 * ```
 */
export interface RunTailOptions {
  /** Where events and diagnostics go. */
  output: Output;
  /** Stop after this many events. @default no limit */
  limit?: number | undefined;
  /** Stops the tail cleanly when it emits (Ctrl-C, SIGTERM). */
  stop$: Observable<unknown>;
}

const stateNotice: Partial<Record<ConnectionState, string>> = {
  connecting: 'connecting',
  open: 'connected',
  reconnecting: 'connection lost, reconnecting',
};

/**
 * Prints a session's events as NDJSON until `limit`, a stop signal, the reader closing stdout, or a
 * failure; then releases the session. Resolves with the exit status: 0 for every clean stop, the
 * {@link reportFailure} code (after printing its one-line message) for a failure.
 *
 * @example
 * ```ts
 * const code = await runTail(session, { output: createOutput(), limit: 10, stop$: stopSignal$() });
 * ```
 */
export async function runTail(session: TailSession, options: RunTailOptions): Promise<ExitCode> {
  const { output, limit } = options;
  let subscription: Subscription | undefined;
  let diagnostics: Subscription | undefined;
  try {
    return await new Promise<ExitCode>((resolve) => {
      let done = false;
      const finish = (code: ExitCode): void => {
        if (done) return;
        done = true;
        resolve(code);
      };
      diagnostics = merge(
        session.state$.pipe(map((state) => (stateNotice[state] === undefined ? undefined : `${session.target}: ${stateNotice[state]}`))),
        session.notices$.pipe(map((notice) => `${session.target}: ${notice}`)),
      ).subscribe((line) => line !== undefined && output.info(line));
      const stop$ = options.stop$.pipe(tap((signal) => output.info(`${String(signal)}: stopping`)));
      subscription = session.events$.pipe(limit === undefined ? identity : take(limit), takeUntil(stop$)).subscribe({
        next: (event) => {
          output.event(event);
          if (output.closed) finish(ExitCode.Ok);
        },
        error: (error: unknown) => {
          const report = reportFailure(error, session.target);
          output.error(report.message);
          finish(report.code);
        },
        complete: () => finish(ExitCode.Ok),
      });
    });
  } finally {
    subscription?.unsubscribe();
    diagnostics?.unsubscribe();
    await session.close();
  }
}
