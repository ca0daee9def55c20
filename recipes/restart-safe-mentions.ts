/**
 * Recipe 8 — a restart-safe Misskey mention bot: it handles every mention of its account at least once,
 * whenever it is killed and restarted. The position of the newest mention handled (with every earlier one)
 * is committed to a file store by `orderedCommit`; a restarted bot resumes the `main` channel's
 * notifications from it (`resumeFrom`), so the mentions made while it was down are replayed over HTTP
 * before the live ones, and at most `concurrency + 2 × commitEvery` mentions are handled twice.
 *
 * Run: `STREAMRX_CURSOR_FILE=./cursors.json npx tsx recipes/restart-safe-mentions.ts` with `MISSKEY_ORIGIN`
 * and `MISSKEY_TOKEN` set (e.g. by `eval "$(npx streamrx emulate --misskey --print-env)"`); kill it with
 * Ctrl-C or `kill -9` and start it again.
 * @module
 */
import { concat, defer, filter, firstValueFrom, from, ignoreElements, map, of, switchMap, tap, type Observable, type ObservableInput } from 'rxjs';
import { fileCursorStore, orderedCommit, type CursorStore } from '../src/index.js';
import { misskeyFromEnv, misskeyUserRateLimits, type MisskeyClient, type Note } from '../src/misskey/index.js';
import { isMain } from './is-main.js';

/** Options of {@link restartSafeMentions}. */
export interface RestartSafeMentionsOptions {
  /** Where the cursor is committed (a `fileCursorStore` for one process). */
  store: CursorStore;
  /** Handles one mention (reply, react, …); a mention counts as handled when this completes. */
  handle: (note: Note) => ObservableInput<unknown>;
  /** Hears the cursor the bot starts from (`undefined`: the account had no notification yet). @default none */
  onStart?: (cursor: string | undefined) => void;
  /** The cursor's key in the store. @default 'misskey:mentions' */
  key?: string;
  /** Mentions handled at once. @default 4 */
  concurrency?: number;
  /** A commit after this many handled mentions (or 1 s). @default 10 */
  commitEvery?: number;
}

type MentionNotification = { id: string; type: string; note?: Note };

/** The newest notification id, as the cursor of a bot's very first start (nothing before it is replayed). */
function newestNotificationId(client: MisskeyClient): Observable<string | undefined> {
  return client.api('i/notifications', { limit: 1 }).pipe(map((list) => (list as Array<{ id: string }>)[0]?.id));
}

/**
 * The bot's pipeline: reads the cursor (on a first start, stores the newest notification's id so that a
 * kill before the first commit loses nothing), resumes `main` from it and handles each mention with
 * `orderedCommit`. Emits each mention's note once handled.
 *
 * @example
 * ```ts
 * restartSafeMentions(client, { store: fileCursorStore('./cursors.json'), handle: (note) => client.api('notes/create', { text: 'hi!', replyId: note.id }) }).subscribe();
 * ```
 */
export function restartSafeMentions(client: MisskeyClient, options: RestartSafeMentionsOptions): Observable<Note> {
  const { store, handle, onStart, key = 'misskey:mentions', concurrency = 4, commitEvery = 10 } = options;
  const cursor$ = defer(async () => {
    const stored = await store.read<string>(key);
    if (stored !== undefined) return stored;
    const newest = await firstValueFrom(newestNotificationId(client));
    if (newest !== undefined) await store.write(key, newest);
    return newest;
  });
  return cursor$.pipe(
    tap((cursor) => onStart?.(cursor)),
    switchMap((resumeFrom) => client.channel('main', undefined, resumeFrom === undefined ? {} : { resumeFrom })),
    filter((message) => message.type === 'notification'),
    map((message) => message.body as unknown as MentionNotification),
    filter((notification): notification is MentionNotification & { note: Note } => notification.type === 'mention' && notification.note !== undefined),
    orderedCommit((notification) => concat(from(handle(notification.note)).pipe(ignoreElements()), of(notification.note)), {
      store,
      key,
      position: (notification) => notification.id,
      concurrency,
      commitEvery,
      maxUncommitted: 2 * commitEvery,
    }),
  );
}

/**
 * What the bot tells the process that forked it (over IPC), e.g. `npm start`'s demo: the cursor it starts
 * from, each mention handled (its note id), and the replay of a resume (`gapFills$` with reason `'resume'`).
 *
 * @example
 * ```ts
 * const report: MentionBotReport = { type: 'handled', noteId: '9x1' };
 * ```
 */
export type MentionBotReport =
  | { type: 'started'; cursor: string | undefined }
  | { type: 'handled'; noteId: string }
  | { type: 'resumed'; replayed: number; complete: boolean };

/** The bot as a program: replies to each mention; reports on IPC when forked, logs otherwise; stops gracefully on SIGTERM or when its parent goes. */
function mentionBotMain(): void {
  const report = (message: MentionBotReport): void => void (process.send ? process.send(message) : console.log(JSON.stringify(message)));
  const client = misskeyFromEnv({ http: { rateLimits: misskeyUserRateLimits } });
  const store = fileCursorStore(process.env['STREAMRX_CURSOR_FILE'] ?? './streamrx-cursors.json');
  const reply = (note: Note) => client.api('notes/create', { text: `@${note.user.username} thanks for the mention!`, replyId: note.id });
  const resumes = client.gapFills$.pipe(filter((fill) => fill.reason === 'resume')).subscribe((fill) => report({ type: 'resumed', replayed: fill.replayed ?? 0, complete: fill.complete }));
  const bot = restartSafeMentions(client, { store, handle: reply, onStart: (cursor) => report({ type: 'started', cursor }) }).subscribe({
    next: (note) => report({ type: 'handled', noteId: note.id }),
    error: (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  });
  // A graceful stop writes the last position; a kill (SIGKILL) gets no say, and the restart replays from the stored one.
  const stop = (): void => {
    bot.unsubscribe();
    resumes.unsubscribe();
    void store.close().finally(() => process.exit());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}

if (isMain(import.meta.url)) mentionBotMain();
