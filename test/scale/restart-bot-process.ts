/**
 * The restart-safe mention bot of the restart proof: resumes `main`'s notifications after the stored one,
 * handles each mention (reports its note id to the parent; the report is written to the IPC pipe before the handler
 * completes, so it outlives a SIGKILL) with orderedCommit into a file store.
 */
import { filter, Observable } from 'rxjs';
import { fileCursorStore } from '../../src/state/file-cursor-store.js';
import { orderedCommit } from '../../src/state/ordered-commit.js';
import { misskey } from '../../src/misskey/client.js';

const env = process.env as Record<string, string>;
const store = fileCursorStore(env.CURSOR_FILE!);
const key = 'misskey:mentions';
const resumeFrom = await store.read<string>(key);
const client = misskey({ origin: env.MISSKEY_ORIGIN!, token: env.MISSKEY_TOKEN!, reconnect: { initialDelay: 10, maxDelay: 50 } });

const report = (id: string): Observable<never> =>
  new Observable<never>((subscriber) => {
    process.send?.({ type: 'handled', id }, undefined, {}, () => subscriber.complete());
  });

client.gapFills$.subscribe((fill) => process.send?.({ type: 'resumed', replayed: fill.replayed, complete: fill.complete }));
client
  .channel('main', undefined, resumeFrom === undefined ? {} : { resumeFrom })
  .pipe(
    filter((m) => m.type === 'notification' && (m.body as { type?: string }).type === 'mention'),
    orderedCommit((m) => report((m.body as { note: { id: string } }).note.id), {
      store,
      key,
      position: (m) => (m.body as { id: string }).id,
      concurrency: Number(env.CONCURRENCY),
      commitEvery: Number(env.COMMIT_EVERY),
      maxUncommitted: 2 * Number(env.COMMIT_EVERY),
      commitInterval: 20,
      onCommit: () => process.send?.({ type: 'committed' }),
    }),
  )
  .subscribe({ error: (error: unknown) => process.send?.({ type: 'failed', error: String(error) }) });
