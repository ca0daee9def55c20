import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const running = new Set<Child>();
let bundleDir: string | undefined;

/**
 * Bundles the child scripts of this directory (our sources inlined, packages external) with esbuild, the
 * transformer tsx itself uses, so that each child starts with plain node: several children starting at
 * once under tsx cost seconds on a 2-core machine. The bundles live under node_modules/.cache so that
 * their package imports resolve. Call in a beforeAll.
 */
export async function bundleChildren(scripts: readonly string[]): Promise<void> {
  const dir = join(root, 'node_modules', '.cache', 'streamrx-scale-test', String(process.pid));
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: scripts.map((script) => join(here, script)),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  bundleDir = dir;
}

/** A message a scale-test child sends its parent. */
export type ChildMessage = { type: string } & Record<string, unknown>;

/**
 * One child Node process running a script of this directory under tsx, with an IPC channel: messages are
 * collected and awaitable, so tests wait for what the child reports, never for wall-clock time.
 */
export class Child {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';
  private readonly process: ChildProcess;
  private readonly listeners = new Set<(message: ChildMessage) => void>();

  constructor(script: string, env: Record<string, string>) {
    const bundled = bundleDir !== undefined;
    const entry = bundled ? join(bundleDir!, script.replace(/\.ts$/, '.mjs')) : join(here, script);
    this.process = fork(entry, [], {
      execArgv: bundled ? [] : ['--import', 'tsx'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.process.on('message', (message: ChildMessage) => {
      for (const listener of [...this.listeners]) listener(message);
    });
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Hears every message from now on; returns the remover. */
  onMessage(listener: (message: ChildMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first message from now on that matches; rejects if the child exits first. */
  next(predicate: (message: ChildMessage) => boolean): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      const remove = this.onMessage((message) => {
        if (!predicate(message)) return;
        remove();
        resolve(message);
      });
      void this.exited.then(({ code, signal }) => {
        remove();
        reject(new Error(`child exited (${code ?? signal}) before the awaited message; stderr: ${this.stderr.slice(-2000)}`));
      });
    });
  }

  send(message: ChildMessage): void {
    if (this.process.connected) this.process.send(message);
  }

  /** Sends SIGKILL (idempotent) and waits for the exit. */
  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    await this.exited;
  }
}

/** Deletes the bundles of {@link bundleChildren} (afterAll). */
export function removeBundles(): void {
  if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
  bundleDir = undefined;
}

/** Kills every child still running (afterEach). */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.kill()));
}

/** Number of children still running. */
export function runningChildren(): number {
  return running.size;
}
