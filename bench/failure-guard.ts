/**
 * Keeps one comparison's failures inside that comparison: while it runs, the process's unhandled rejections
 * and uncaught exceptions are its failures (not the end of the bench), and every step has a time limit.
 */

type ProcessFailureEvent = 'unhandledRejection' | 'uncaughtException';
const FAILURE_EVENTS: readonly ProcessFailureEvent[] = ['unhandledRejection', 'uncaughtException'];
type FailureListener = (reason: unknown) => void;

/** A readable one-line reason for anything thrown or rejected. */
export function describeFailure(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return typeof reason === 'string' ? reason : JSON.stringify(reason) ?? String(reason);
}

/**
 * Routes the process's unhandled rejections and uncaught exceptions to `onFailure` alone until the returned
 * function is called, which puts the earlier listeners back. The earlier listeners are set aside meanwhile:
 * Node's default for an unhandled rejection is to end the process, and a test runner's listener would count
 * a failure the bench has already attributed.
 */
export function captureProcessFailures(onFailure: FailureListener): () => void {
  const earlier = new Map<ProcessFailureEvent, FailureListener[]>();
  for (const event of FAILURE_EVENTS) {
    earlier.set(event, process.listeners(event as 'unhandledRejection') as FailureListener[]);
    process.removeAllListeners(event);
    process.on(event as 'unhandledRejection', onFailure);
  }
  return () => {
    for (const event of FAILURE_EVENTS) {
      process.off(event as 'unhandledRejection', onFailure);
      for (const listener of earlier.get(event) ?? []) process.on(event as 'unhandledRejection', listener);
    }
  };
}

/**
 * Settles like `work()`, or rejects with `"<step> ..."` when it throws, takes longer than `timeoutMs`, or when
 * `failures` (the comparison's process-level failures) reports one first. A timed-out step keeps running in
 * the background; its eventual result is ignored.
 */
export async function guardedStep<T>(step: string, timeoutMs: number, failures: Promise<never>, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${step} gave no result within ${timeoutMs} ms`)), timeoutMs);
  });
  const running = Promise.resolve().then(work);
  running.catch(() => undefined);
  try {
    return await Promise.race([running, timedOut, failures]);
  } catch (error) {
    throw new Error(error instanceof Error && error.message.startsWith(step) ? error.message : `${step} failed: ${describeFailure(error)}`);
  } finally {
    clearTimeout(timer);
  }
}
