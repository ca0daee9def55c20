import { InvalidArgumentError } from '../src/index.js';
import { connectSources, type Connections, type EmulatorPolicies } from './connect.js';
import type { Env } from './environment.js';
import type { SourceName } from './meter.js';
import type { RecipeRun } from './recipe-run.js';
import type { SourceLink } from './source-link.js';
import { statusLine, summaryTable } from './status.js';
import { startTraffic, type TrafficOptions } from './traffic.js';

export { isMain } from './is-main.js';

/** Options of {@link runRecipes}. */
export interface RunRecipesOptions {
  /** Printed first. */
  title: string;
  /** The services the recipes need. */
  services: readonly SourceName[];
  /** Starts the recipes on the connected services. */
  start(connections: Connections): RecipeRun[];
  /** Run time in seconds; `undefined` runs until Ctrl-C (or until every recipe has ended). @default undefined */
  duration?: number;
  /**
   * Drops every emulator's connections once, at 60 % of `duration`: in the 10 s demo that is after the
   * Momento SDK's first-stream deadline (5 s) and its resubscribe, so every source shows a real recovery.
   * @default false
   */
  dropMidRun?: boolean;
  /** Synthetic traffic into the emulators; `false` for none. @default {} (every 250 ms) */
  traffic?: TrafficOptions | false;
  /** Where credentials are read. @default process.env */
  env?: Env;
  /** Reconnect policies of the emulated services. @default demoPolicies */
  policies?: EmulatorPolicies;
  /** Where lines are printed. @default console.log */
  write?: (line: string) => void;
  /** Interval of the status line, in ms. @default 1000 */
  statusEvery?: number;
  /** Stops the run early (besides SIGINT). @default none */
  signal?: AbortSignal;
}

/** What {@link runRecipes} resolves with. */
export interface RecipesOutcome {
  /** 0 when no recipe ended in error, 1 otherwise. */
  exitCode: number;
  runs: RecipeRun[];
}

/**
 * Runs recipes as a program: connects (real services where credentials are set, emulators otherwise),
 * feeds the emulators, prints a status line every second, optionally drops the emulators' connections
 * at 60 % of the run, stops at the end of `duration`, on SIGINT or when every recipe has ended, prints a summary
 * and releases everything.
 *
 * @example
 * ```ts
 * const { exitCode } = await runRecipes({ title: 'demo', services: ['mixi2'], start: (c) => [runMentionReply({ mixi2: c.mixi2! })], duration: 10 });
 * ```
 */
export async function runRecipes(options: RunRecipesOptions): Promise<RecipesOutcome> {
  const write = options.write ?? ((line: string) => console.log(line));
  const connections = await connectSources(options.services, { ...(options.env ? { env: options.env } : {}), ...(options.policies ? { policies: options.policies } : {}) });
  const links = [connections.mixi2, connections.misskey, connections.momento].filter((l): l is NonNullable<typeof l> => l !== undefined) as SourceLink[];
  write(options.title);
  write(`services: ${links.map((l) => `${l.source} (${l.real ? 'from the environment' : 'emulator'})`).join(', ')}`);
  let runs: RecipeRun[];
  try {
    runs = options.start(connections);
  } catch (error) {
    await connections.close();
    throw error;
  }
  // Traffic sent before the pipelines are subscribed would be lost (mixi2 does not replay), so wait a little.
  if (options.traffic !== false && !(await connections.emulators.clientsReady(5000))) write('(the emulators still lack a subscriber; feeding them anyway)');
  const traffic = options.traffic === false ? undefined : startTraffic(connections.emulators, options.traffic);
  const started = Date.now();
  const timers: NodeJS.Timeout[] = [];
  let stopRequested!: (reason: string) => void;
  const stopped = new Promise<string>((resolve) => (stopRequested = resolve));
  const onSigint = (): void => {
    // A terminal's Ctrl-C reaches this process twice under `npm start` (directly and relayed by npm): only a
    // second Ctrl-C pressed later means "exit now, skip the summary".
    const first = Date.now();
    const onSecond = (): void => {
      if (Date.now() - first < 500) process.once('SIGINT', onSecond);
      else process.exit(130);
    };
    process.once('SIGINT', onSecond);
    stopRequested('interrupted');
  };
  process.once('SIGINT', onSigint);
  options.signal?.addEventListener('abort', () => stopRequested('aborted'), { once: true });
  void Promise.all(runs.map((r) => r.done)).then(() => stopRequested('every recipe ended'));
  const status = async (): Promise<void> => {
    const elapsed = Date.now() - started;
    write(statusLine(elapsed, links, await connections.metrics.collect()));
    for (const run of runs) {
      const detail = run.describe?.();
      if (detail) write(`         ${run.name}: ${detail}`);
    }
  };
  // A line in flight when the run stops is written before the final one.
  let lineInFlight = Promise.resolve();
  timers.push(setInterval(() => (lineInFlight = status()), options.statusEvery ?? 1000));
  if (options.duration !== undefined) {
    timers.push(setTimeout(() => stopRequested('time is up'), options.duration * 1000));
    const emulated = links.filter((l) => !l.real).map((l) => l.source);
    if (options.dropMidRun && emulated.length > 0) {
      timers.push(
        setTimeout(() => {
          write(`-- dropping every connection of the ${emulated.join(', ')} emulator${emulated.length === 1 ? '' : 's'} --`);
          connections.emulators.dropConnections();
        }, options.duration * 1000 * 0.6),
      );
    }
  }
  const reason = await stopped;
  for (const timer of timers) clearTimeout(timer);
  process.removeListener('SIGINT', onSigint);
  traffic?.stop();
  await Promise.all(runs.map((run) => run.stop()));
  await lineInFlight;
  await status();
  write(`stopped: ${reason}`);
  write('');
  write(summaryTable(runs, links, await connections.metrics.collect()));
  for (const run of runs.filter((r) => r.status === 'failed')) write(`${run.name} failed: ${describe(run.error)}`);
  await connections.close();
  return { exitCode: runs.some((r) => r.status === 'failed') ? 1 : 0, runs };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Reads `--duration <seconds>` (or `--duration=<seconds>`) from the command line.
 *
 * @example
 * ```ts
 * durationArg(['--duration', '3']); // 3
 * ```
 */
export function durationArg(argv: readonly string[]): number | undefined {
  const index = argv.findIndex((a) => a === '--duration' || a.startsWith('--duration='));
  if (index < 0) return undefined;
  const arg = argv[index]!;
  const text = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  const seconds = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidArgumentError(`--duration needs a positive number of seconds, got ${JSON.stringify(text ?? '')}`);
  }
  return seconds;
}

/**
 * Runs recipes as the program's main: parses `--duration`, runs, sets the exit status, and makes sure
 * the process ends (a leftover handle cannot keep it alive past a short grace time).
 *
 * @example
 * ```ts
 * if (isMain(import.meta.url)) void runAsMain({ title: 'mention reply', services: ['mixi2'], start: (c) => [runMentionReply({ mixi2: c.mixi2! })] });
 * ```
 */
export async function runAsMain(options: RunRecipesOptions): Promise<void> {
  // A closed pipe (`… | head`) must not crash the run; the output just stops.
  process.stdout.on('error', () => undefined);
  let exitCode = 1;
  try {
    const duration = options.duration ?? durationArg(process.argv.slice(2));
    exitCode = (await runRecipes({ ...options, ...(duration === undefined ? {} : { duration }) })).exitCode;
  } catch (error) {
    console.error(describe(error));
  }
  process.exitCode = exitCode;
  setTimeout(() => process.exit(exitCode), 2000).unref();
}
