import { Observable } from 'rxjs';

/**
 * The signals that stop a command cleanly.
 *
 * @example
 * ```ts
 * for (const signal of stopSignals) process.on(signal, stop);
 * ```
 */
export const stopSignals = ['SIGINT', 'SIGTERM'] as const;

/**
 * Emits the name of the first SIGINT or SIGTERM, then completes. While subscribed, those signals no longer
 * kill the process: the command decides how to stop. Unsubscribing restores the default behaviour.
 *
 * @example
 * ```ts
 * await firstValueFrom(stopSignal$());
 * await emulator.close();
 * ```
 */
export function stopSignal$(): Observable<NodeJS.Signals> {
  return new Observable<NodeJS.Signals>((subscriber) => {
    const listener = (signal: NodeJS.Signals): void => {
      subscriber.next(signal);
      subscriber.complete();
    };
    for (const signal of stopSignals) process.on(signal, listener);
    return () => {
      for (const signal of stopSignals) process.off(signal, listener);
    };
  });
}
