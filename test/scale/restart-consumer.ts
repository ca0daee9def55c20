/**
 * What the two consumers of the restart proof (restart-bot-process.ts, restart-worker-process.ts) share:
 * the file store named by the parent, how a handled event is reported, and orderedCommit's options.
 */
import { Observable } from 'rxjs';
import { fileCursorStore } from '../../src/state/file-cursor-store.js';
import type { OrderedCommitOptions } from '../../src/state/ordered-commit.js';

const env = process.env as Record<string, string>;

/** The cursor file the parent names (CURSOR_FILE). */
export const restartStore = fileCursorStore(env.CURSOR_FILE!);

/**
 * A handler that reports `id` as handled to the parent and completes once the report is written to the IPC
 * pipe, so the report outlives a SIGKILL that comes after the handler completed.
 */
export function reportHandled(id: string): Observable<never> {
  return new Observable<never>((subscriber) => {
    process.send?.({ type: 'handled', id }, undefined, {}, () => subscriber.complete());
  });
}

/**
 * orderedCommit's options: CONCURRENCY and COMMIT_EVERY from the parent, at most 2 × commitEvery handled
 * events waiting for a commit (the bound the parent checks), each commit reported to the parent.
 */
export function restartCommitOptions<T>(key: string, position: (event: T) => unknown): OrderedCommitOptions<T> {
  const commitEvery = Number(env.COMMIT_EVERY);
  return {
    store: restartStore,
    key,
    position,
    concurrency: Number(env.CONCURRENCY),
    commitEvery,
    maxUncommitted: 2 * commitEvery,
    commitInterval: 20,
    onCommit: () => process.send?.({ type: 'committed' }),
  };
}

/** Tells the parent the pipeline failed. */
export const reportFailure = { error: (error: unknown) => process.send?.({ type: 'failed', error: String(error) }) };
