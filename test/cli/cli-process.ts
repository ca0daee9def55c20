import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { compiledCliEntry } from './compiled-cli.js';

export { prepareCompiledCli } from './compiled-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const running = new Set<CliProcess>();

/** How a `streamrx` process ended. */
export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Everything a finished `streamrx` process printed, and its exit status. */
export interface CliResult extends CliExit {
  stdout: string;
  stderr: string;
  /** stdout split into lines, without the trailing empty one. */
  lines: string[];
}

/**
 * The process environment without any MIXI2_*, MISSKEY_* or MOMENTO_* variable, plus `extra`: the tests
 * never see the developer's real credentials.
 */
export function hermeticEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(MIXI2|MISSKEY|MOMENTO)_/.test(key)) env[key] = value;
  return { ...env, ...extra };
}

/** How to start the command: the transpiled entry with plain node (fast), or the TypeScript entry under tsx. */
export type CliRuntime = 'node' | 'tsx';

function commandLine(runtime: CliRuntime, args: readonly string[]): string[] {
  return runtime === 'tsx' ? ['--import', 'tsx', 'src/cli/main.ts', ...args] : [compiledCliEntry(), ...args];
}

/** One running `streamrx` process (`node <transpiled main.js> …` or `node --import tsx src/cli/main.ts …`), with its output collected and awaitable. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliExit>;
  private readonly child: ChildProcess;
  private readonly lineListeners = new Set<() => void>();

  constructor(args: readonly string[], env: NodeJS.ProcessEnv, runtime: CliRuntime = 'node') {
    this.child = spawn(process.execPath, commandLine(runtime, args), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      for (const listener of [...this.lineListeners]) listener();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        running.delete(this);
        for (const listener of [...this.lineListeners]) listener();
        resolve({ code, signal });
      });
    });
    running.add(this);
  }

  get lines(): string[] {
    return this.stdout.split('\n').filter((line, i, all) => i < all.length - 1 || line !== '');
  }

  /** Resolves with the first complete stdout line matching `predicate`; rejects if the process ends first. */
  waitForLine(predicate: (line: string, index: number) => boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const complete = this.stdout.split('\n').slice(0, -1);
        const found = complete.find(predicate);
        if (found !== undefined) {
          this.lineListeners.delete(check);
          resolve(found);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          this.lineListeners.delete(check);
          reject(new Error(`streamrx ended before the line was printed.\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
        }
      };
      this.lineListeners.add(check);
      check();
    });
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves once the process ended, with everything it printed. */
  async result(): Promise<CliResult> {
    const exit = await this.exited;
    return { ...exit, stdout: this.stdout, stderr: this.stderr, lines: this.lines };
  }
}

/** Starts `streamrx …` as a process with a hermetic environment plus `env`. */
export function startCli(args: readonly string[], env: Record<string, string> = {}, runtime: CliRuntime = 'node'): CliProcess {
  return new CliProcess(args, hermeticEnv(env), runtime);
}

/** Runs `streamrx …` to its end. */
export function runCli(args: readonly string[], env: Record<string, string> = {}, runtime: CliRuntime = 'node'): Promise<CliResult> {
  return startCli(args, env, runtime).result();
}

/** Kills every process a test left running (a failed test) and waits for them to end. */
export async function killLeftovers(): Promise<number> {
  const left = [...running];
  for (const cli of left) cli.signal('SIGKILL');
  await Promise.all(left.map((cli) => cli.exited));
  return left.length;
}

/**
 * A port on 127.0.0.1 that nothing listens on, drawn below the kernel's ephemeral range
 * (32768 and up here): `listen(0)` and outgoing connections in parallel tests never take it,
 * so it stays free for the process under test to bind, or closed for it to be refused.
 */
export async function closedPort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await canListen(port)) return port;
  }
}

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  return listening;
}

/** Parses every line as JSON (throws on a line that is not one JSON object). */
export function parseNdjson(lines: readonly string[]): Array<Record<string, unknown>> {
  return lines.map((line) => {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`not a JSON object: ${line}`);
    return value as Record<string, unknown>;
  });
}
