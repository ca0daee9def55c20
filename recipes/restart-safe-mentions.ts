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
import { concat, defer, filter, from, ignoreElements, map, of, switchMap, type Observable, type ObservableInput } from 'rxjs';
import { fileCursorStore, orderedCommit, type CursorStore } from '../src/index.js';
import { misskeyFromEnv, type MisskeyClient, type Note } from '../src/misskey/index.js';
import { isMain } from './runner.js';

/** Options of {@link restartSafeMentions}. */
export interface RestartSafeMentionsOptions {
  /** Where the cursor is committed (a `fileCursorStore` for one process). */
  store: CursorStore;
  /** Handles one mention (reply, react, …); a mention counts as handled when this completes. */
  handle: (note: Note) => ObservableInput<unknown>;
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
  const { store, handle, key = 'misskey:mentions', concurrency = 4, commitEvery = 10 } = options;
  const cursor$ = defer(async () => {
    const stored = await store.read<string>(key);
    if (stored !== undefined) return stored;
    const newest = await new Promise<string | undefined>((resolve, reject) => newestNotificationId(client).subscribe({ next: resolve, error: reject }));
    if (newest !== undefined) await store.write(key, newest);
    return newest;
  });
  return cursor$.pipe(
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
    }),
  );
}

if (isMain(import.meta.url)) {
  const client = misskeyFromEnv();
  const store = fileCursorStore(process.env['STREAMRX_CURSOR_FILE'] ?? './streamrx-cursors.json');
  const reply = (note: Note) => client.api('notes/create', { text: `@${note.user.username} thanks for the mention!`, replyId: note.id });
  restartSafeMentions(client, { store, handle: reply }).subscribe({
    next: (note) => console.log(`replied to ${note.id}`),
    error: (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  });
}
