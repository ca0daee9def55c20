/**
 * The restart-safe mention bot of the restart proof: resumes `main`'s notifications after the stored one,
 * handles each mention (reports its note id to the parent; the report is written to the IPC pipe before the handler
 * completes, so it outlives a SIGKILL) with orderedCommit into a file store.
 */
import { filter } from 'rxjs';
import { orderedCommit } from '../../src/state/ordered-commit.js';
import { misskey } from '../../src/misskey/client.js';
import { reportFailure, reportHandled, restartCommitOptions, restartStore } from './restart-consumer.js';

const env = process.env as Record<string, string>;
const key = 'misskey:mentions';
const resumeFrom = await restartStore.read<string>(key);
const client = misskey({ origin: env.MISSKEY_ORIGIN!, token: env.MISSKEY_TOKEN!, reconnect: { initialDelay: 10, maxDelay: 50 } });

client.gapFills$.subscribe((fill) => process.send?.({ type: 'resumed', replayed: fill.replayed, complete: fill.complete }));
client
  .channel('main', undefined, resumeFrom === undefined ? {} : { resumeFrom })
  .pipe(
    filter((m) => m.type === 'notification' && (m.body as { type?: string }).type === 'mention'),
    orderedCommit(
      (m) => reportHandled((m.body as { note: { id: string } }).note.id),
      restartCommitOptions(key, (m) => (m.body as { id: string }).id),
    ),
  )
  .subscribe(reportFailure);
