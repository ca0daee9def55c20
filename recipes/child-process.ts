import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NEVER, Observable, take } from 'rxjs';

/** Options of {@link childProcess}. */
export interface ChildProcessOptions {
  /** The child's whole environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Node options of the child (`['--import', 'tsx']` to run a `.ts` module from a process not started by tsx). @default process.execArgv */
  execArgv?: string[];
  /** Its first emission kills the child with SIGKILL, as a crash or `kill -9` would: no handler runs; the Observable then completes. @default never */
  kill$?: Observable<unknown>;
  /** Hears the child once forked (to await its exit after an unsubscribe, for instance). @default none */
  onFork?: (child: ChildProcess) => void;
}

/** The last characters of the child's stderr kept for the error of an unexpected exit. */
const STDERR_TAIL = 2000;

/**
 * A module run as a child process (forked with this process's Node options, so a `.ts` recipe runs under
 * tsx as its parent does) as a cold Observable of the messages it sends over IPC. It completes when the child
 * exits with status 0 or after `kill$` killed it; any other exit is an error with the end of its stderr.
 * Unsubscribing sends SIGTERM (a graceful stop); a child also learns that its parent went away from the
 * IPC channel's `disconnect` event.
 *
 * @example
 * ```ts
 * childProcess<MentionBotReport>(new URL('./restart-safe-mentions.ts', import.meta.url), { kill$: timer(3000) }).subscribe(console.log);
 * ```
 */
export function childProcess<M>(module: URL, options: ChildProcessOptions = {}): Observable<M> {
  return new Observable<M>((subscriber) => {
    // Detached: a Ctrl-C in the terminal reaches the parent only, which decides how the child stops.
    const child = fork(fileURLToPath(module), [], {
      env: options.env ?? process.env,
      execArgv: options.execArgv ?? process.execArgv,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: true,
    });
    options.onFork?.(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
    let killed = false;
    const killing = (options.kill$ ?? NEVER).pipe(take(1)).subscribe(() => {
      killed = true;
      child.kill('SIGKILL');
    });
    child.on('message', (message) => subscriber.next(message as M));
    child.on('error', (error) => subscriber.error(error));
    child.on('exit', (code, signal) => {
      if (killed || code === 0) subscriber.complete();
      else subscriber.error(new Error(`${fileURLToPath(module)} exited with ${signal ?? `status ${code}`}: ${stderr.trim()}`));
    });
    return () => {
      killing.unsubscribe();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
  });
}
