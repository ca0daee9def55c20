/**
 * A benchmark's peer (an emulator) in a child process, so its CPU does not share the measuring process.
 * The bench file forks itself with an environment flag set; the child serves requests over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Whether this process is the child started by {@link BenchChild} with `flag`. */
export function isBenchChild(flag: string): boolean {
  return process.env[flag] === '1';
}

/**
 * Child side: answers each request with `handle(request)`; when the parent disconnects, runs `close` and exits.
 */
export function serveBenchChild<Request>(handle: (request: Request) => unknown, close: () => unknown = () => undefined): void {
  process.on('message', (message: { id: number; request: Request }) => {
    Promise.resolve()
      .then(() => handle(message.request))
      .then(
        (result) => process.send?.({ id: message.id, result }),
        (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  const exit = (): void => void Promise.resolve(close()).then(() => process.exit(0));
  // the parent may already have gone while this child was starting
  if (!process.connected) exit();
  else process.on('disconnect', exit);
}

/** Parent side: the forked bench file and the requests made to it. */
export class BenchChild<Request> {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  /** `moduleUrl` is the bench file's `import.meta.url`; `flag` the variable that makes it serve as a child. */
  constructor(
    private readonly moduleUrl: string,
    private readonly flag: string,
  ) {}

  start(): void {
    const child = fork(fileURLToPath(this.moduleUrl), [], {
      env: { ...process.env, [this.flag]: '1' },
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (reply: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.error === undefined) waiter?.resolve(reply.result);
      else waiter?.reject(new Error(`bench child: ${reply.error}`));
    });
    child.on('exit', (code, signal) => {
      // a child stopped earlier may exit after its successor started: only the current one's calls wait on it
      if (this.child === child) this.failAll(new Error(`bench child exited (${signal ?? `code ${code}`})`));
    });
    this.child = child;
  }

  call<Result = unknown>(request: Request): Promise<Result> {
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      if (!this.child?.connected) return reject(new Error('bench child is not running'));
      this.waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.child.send({ id, request });
    });
  }

  /** Rejects every call still waiting: the child is gone and will not answer. */
  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  stop(): void {
    if (this.child?.connected) this.child.disconnect();
    this.child = undefined;
    this.failAll(new Error('bench child stopped'));
  }
}
