/**
 * Recipe 8 as `npm start` shows it: the restart-safe mention bot (recipes/restart-safe-mentions.ts) runs as
 * a child process with a file cursor store in a temporary directory. At `killAfterMs` it is killed with
 * SIGKILL, as a crash would (no last commit), while mentions keep arriving, and forked again at once; the new
 * process resumes from the stored cursor.
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combineLatest, concat, defer, filter, firstValueFrom, merge, of, ReplaySubject, Subject, tap, timeout, timer, type Observable } from 'rxjs';
import { InvalidArgumentError } from '../src/index.js';
import type { MisskeyClient } from '../src/misskey/index.js';
import { childProcess } from './child-process.js';
import type { Connections } from './connect.js';
import { misskeySettings, RECIPE_ENV, type Env } from './environment.js';
import { Meter } from './meter.js';
import type { MisskeyLink } from './misskey-link.js';
import { startRecipeRun, type RecipeRun } from './recipe-run.js';
import type { MentionBotReport } from './restart-safe-mentions.js';

const BOT_MODULE = new URL('./restart-safe-mentions.ts', import.meta.url);

/** Options of {@link runMentionBotRestarts}. */
export interface MentionBotRestartsOptions {
  /** The bot's server and account (its `MISSKEY_ORIGIN` and `MISSKEY_TOKEN`). Required. */
  server: { origin: string; token: string };
  /** When the bot is killed, in ms after the run started (or once it has started, if later). Required. */
  killAfterMs: number;
  /** Node options of the bot's processes. @default process.execArgv (the tsx loader the demo runs under) */
  execArgv?: string[];
  /** How long stopping the run waits for the bot to handle every mention made, before it counts the missed ones. @default 10000 */
  catchUpMs?: number;
}

/** What the run has seen of the bot's two processes. */
class BotTally {
  readonly handled = new Set<string>();
  readonly handled$ = new Subject<void>();
  readonly started$ = new ReplaySubject<void>(1);
  reHandled = 0;
  replayedAfterRestart = 0;
  /** The cursor of the very first start: every mention after it must be handled. */
  baseline: { cursor: string | undefined } | undefined;
  restarted = false;
  killedAtMs: number | undefined;
  missed: number | undefined;

  record(report: MentionBotReport, meter: Meter): void {
    if (report.type === 'started' && !this.restarted) {
      this.baseline = { cursor: report.cursor };
      this.started$.next();
    } else if (report.type === 'resumed' && this.restarted) this.replayedAfterRestart += report.replayed;
    else if (report.type === 'handled') this.recordHandled(report.noteId, meter);
  }

  describe(): string {
    const kill = this.killedAtMs === undefined ? 'not killed yet' : `killed (SIGKILL) at ${(this.killedAtMs / 1000).toFixed(1)} s, ${this.restarted ? 'restarted from the stored cursor' : 'restarting'}`;
    return `handled ${this.handled.size}, replayed after restart ${this.replayedAfterRestart}, re-handled ${this.reHandled}, missed ${this.missed ?? '(counted at the end)'}; ${kill}`;
  }

  private recordHandled(noteId: string, meter: Meter): void {
    meter.add('in');
    meter.add('out');
    if (this.handled.has(noteId)) this.reHandled += 1;
    this.handled.add(noteId);
    this.handled$.next();
  }
}

/** The note ids of the account's mention notifications after `sinceId` (all of them without), at most 10 pages. */
async function mentionNoteIds(client: MisskeyClient, sinceId: string | undefined): Promise<string[]> {
  const ids: string[] = [];
  let untilId: string | undefined;
  for (let page = 0; page < 10; page++) {
    const params = { limit: 100, includeTypes: ['mention'], ...(sinceId ? { sinceId } : {}), ...(untilId ? { untilId } : {}) };
    const notifications = (await firstValueFrom(client.api('i/notifications' as 'i', params as never))) as unknown as Array<{ id: string; note?: { id: string } }>;
    for (const notification of notifications) if (notification.note) ids.push(notification.note.id);
    if (notifications.length < 100) break;
    untilId = notifications[notifications.length - 1]!.id;
  }
  return ids;
}

/** Waits (at most `ms`) until every mention made since the bot first started is handled, then counts the missed ones. */
async function countMissed(tally: BotTally, client: MisskeyClient, ms: number): Promise<void> {
  if (tally.baseline === undefined) return;
  const expected = await mentionNoteIds(client, tally.baseline.cursor);
  const allHandled = (): boolean => expected.every((id) => tally.handled.has(id));
  await firstValueFrom(merge(of(undefined), tally.handled$).pipe(filter(allHandled), timeout({ first: ms, with: () => of(undefined) })));
  tally.missed = expected.filter((id) => !tally.handled.has(id)).length;
}

const running = (child: ChildProcess | undefined): child is ChildProcess => child !== undefined && child.exitCode === null && child.signalCode === null;

/**
 * Runs the restart-safe mention bot in a child process, kills it with SIGKILL at `killAfterMs` and forks it
 * again from the stored cursor (its reconnects happen in the child and are not counted here). `in`/`out` count the mentions handled (and replied to); its line tells the
 * mentions handled, replayed after the restart (`gapFills$` with reason `'resume'`), handled twice, and, once
 * stopped, missed: the account's mention notifications since the bot's first start that it never handled.
 *
 * @example
 * ```ts
 * const run = runMentionBotRestarts({ misskey: connections.misskey }, { server: misskeyServerOf(connections), killAfterMs: 3500 });
 * ```
 */
export function runMentionBotRestarts(links: { misskey: MisskeyLink }, options: MentionBotRestartsOptions): RecipeRun {
  const { server, killAfterMs, execArgv, catchUpMs = 10_000 } = options;
  const meter = new Meter();
  const tally = new BotTally();
  const startedAt = Date.now();
  const directory = mkdtempSync(join(tmpdir(), 'streamrx-mention-bot-'));
  const removeDirectory = (): void => rmSync(directory, { recursive: true, force: true });
  // Also when the process ends without stopping the run (a second Ctrl-C exits at once).
  process.once('exit', removeDirectory);
  const env = { ...process.env, [RECIPE_ENV.misskeyOrigin]: server.origin, [RECIPE_ENV.misskeyToken]: server.token, STREAMRX_CURSOR_FILE: join(directory, 'cursors.json') };
  let child: ChildProcess | undefined;
  const bot = (kill$?: Observable<unknown>): Observable<MentionBotReport> => childProcess<MentionBotReport>(BOT_MODULE, { env, onFork: (forked) => (child = forked), ...(execArgv ? { execArgv } : {}), ...(kill$ ? { kill$ } : {}) });
  const kill$ = combineLatest([timer(killAfterMs), tally.started$]).pipe(tap(() => (tally.killedAtMs = Date.now() - startedAt)));
  const restart$ = defer(() => ((tally.restarted = true), bot()));
  const pipeline$ = concat(bot(kill$), restart$).pipe(tap((report) => tally.record(report, meter)));
  return startRecipeRun('restart-safe-mentions', meter, pipeline$, {
    describe: () => tally.describe(),
    drain: () => countMissed(tally, links.misskey.client, catchUpMs),
    release: async () => {
      if (running(child)) await once(child, 'exit');
      process.removeListener('exit', removeDirectory);
      removeDirectory();
    },
  });
}

/**
 * The Misskey server and account of a run's bot: the emulator's `admin`, or the credentials in the environment.
 *
 * @example
 * ```ts
 * const server = misskeyServerOf(connections); // { origin: 'http://127.0.0.1:40123', token: 'admin-token' }
 * ```
 */
export function misskeyServerOf(connections: Connections, env: Env = process.env): { origin: string; token: string } {
  const emulator = connections.emulators.misskey;
  const settings = emulator ? { origin: emulator.origin, token: emulator.users['admin']?.token ?? 'admin-token' } : misskeySettings(env);
  if (settings === undefined) throw new InvalidArgumentError('misskeyServerOf: the run has no Misskey connection');
  return settings;
}
