/**
 * Where a condition waiter hears that something may have changed: it registers `check` and returns the
 * function that unregisters it.
 *
 * @example
 * ```ts
 * const onChange: ChangeSource = (check) => { listeners.add(check); return () => listeners.delete(check); };
 * ```
 */
export type ChangeSource = (check: () => void) => () => void;

/**
 * A {@link ChangeSource} that re-checks every `intervalMs`, for emulators whose state changes in many places
 * (a store edited by API calls, sockets, counters) rather than through one event bus.
 *
 * @example
 * ```ts
 * waitForCondition(() => store.posts.size > 3, { changes: everyMs(5), description: 'a fourth post', timeoutMs: 5000, emulator: 'mixi2' });
 * ```
 */
export function everyMs(intervalMs: number): ChangeSource {
  return (check) => {
    const timer = setInterval(check, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  };
}

/** Options of {@link waitForCondition}. */
export interface WaitForConditionOptions {
  /** When to check again. */
  changes: ChangeSource;
  /** What is awaited, for the timeout message. */
  description: string;
  /** How long to wait before rejecting, in ms. */
  timeoutMs: number;
  /** The emulator's name, for the timeout message (e.g. `momento`). */
  emulator: string;
}

/**
 * Resolves once `condition()` holds, checking now and at every change; rejects after `timeoutMs` with a
 * message naming what was awaited, so a broken expectation fails fast and says why.
 *
 * @example
 * ```ts
 * await waitForCondition(() => hub.openStreams$.value === 0, { changes: everyMs(5), description: 'no open stream', timeoutMs: 5000, emulator: 'mixi2' });
 * ```
 */
export function waitForCondition(condition: () => boolean, options: WaitForConditionOptions): Promise<void> {
  if (condition()) return Promise.resolve();
  const { changes, description, timeoutMs, emulator } = options;
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      stopChecking();
    };
    const stopChecking = changes(() => {
      if (!condition()) return;
      done();
      resolve();
    });
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${emulator} emulator: timed out after ${timeoutMs} ms waiting for ${description}`));
    }, timeoutMs);
  });
}
