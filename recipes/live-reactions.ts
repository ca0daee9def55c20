/**
 * Recipe 4 — Misskey live reactions: every note seen on a timeline is followed with `noteUpdates`, its
 * reaction counts kept live; only the latest N notes are followed, older ones are released (`unsubNote`).
 *
 * Run: `npx tsx recipes/live-reactions.ts [--duration <seconds>]`
 * @module
 */
import { concat, connect, filter, map, mergeMap, of, scan, skip, takeUntil, takeWhile, tap, type Observable, type OperatorFunction } from 'rxjs';
import { match } from 'ts-pattern';
import { dedupeBy } from '../src/index.js';
import type { Note, NoteUpdate } from '../src/misskey/index.js';
import type { Env } from './environment.js';
import { Meter } from './meter.js';
import type { MisskeyLink } from './misskey-link.js';
import { startRecipeRun, type RecipeRun } from './recipe-run.js';
import { isMain, runAsMain, type RunRecipesOptions } from './runner.js';

/** One followed note with its live reaction counts. */
export interface LiveNote {
  id: string;
  text: string | null;
  /** Reaction → count, as the server counts them. */
  reactions: Readonly<Record<string, number>>;
}

/** The followed notes, newest first (at most `keep`). */
export type LiveBoard = readonly LiveNote[];

/** Options of {@link liveReactionsHandler}. */
export interface LiveReactionsOptions {
  /** Follows one note, usually `client.noteUpdates`. */
  follow: (noteId: string) => Observable<NoteUpdate>;
  /** How many of the latest notes are followed. @default 10 */
  keep?: number;
}

type Change = { kind: 'added'; note: Note } | { kind: 'update'; update: NoteUpdate } | { kind: 'released'; id: string };

/**
 * Applies one update to a note's reaction counts (and text).
 *
 * @example
 * ```ts
 * applyUpdate({ id: 'n', text: 'hi', reactions: {} }, { id: 'n', type: 'reacted', body: { reaction: '👍', userId: 'u' } });
 * // { id: 'n', text: 'hi', reactions: { '👍': 1 } }
 * ```
 */
export function applyUpdate(note: LiveNote, update: NoteUpdate): LiveNote {
  const counted = (reaction: string, delta: number): LiveNote => {
    const reactions = { ...note.reactions, [reaction]: (note.reactions[reaction] ?? 0) + delta };
    if (reactions[reaction]! <= 0) delete reactions[reaction];
    return { ...note, reactions };
  };
  return match(update)
    .with({ type: 'reacted' }, ({ body }) => counted(body.reaction, 1))
    .with({ type: 'unreacted' }, ({ body }) => counted(body.reaction, -1))
    .with({ type: 'updated' }, ({ body }) => ({ ...note, text: body.text }))
    .with({ type: 'snapshot' }, ({ body }) => ({ ...note, text: body.note.text, reactions: { ...body.note.reactions } }))
    .with({ type: 'pollVoted' }, { type: 'deleted' }, () => note)
    .exhaustive();
}

function applyChange(board: ReadonlyMap<string, LiveNote>, change: Change): Map<string, LiveNote> {
  const next = new Map(board);
  if (change.kind === 'added') next.set(change.note.id, { id: change.note.id, text: change.note.text, reactions: { ...change.note.reactions } });
  else if (change.kind === 'released') next.delete(change.id);
  else {
    const note = next.get(change.update.id);
    if (note) next.set(note.id, applyUpdate(note, change.update));
  }
  return next;
}

/**
 * The handler: notes in, a live board out. Each new note (once, by id) is followed until `keep` newer
 * notes have arrived or it is deleted, then released; the board is emitted after every change, newest
 * note first.
 *
 * @example
 * ```ts
 * link.channel('homeTimeline').pipe(
 *   map((m) => m.body),
 *   liveReactionsHandler({ follow: (id) => link.noteUpdates(id), keep: 20 }),
 * ).subscribe((board) => render(board));
 * ```
 */
export function liveReactionsHandler(options: LiveReactionsOptions): OperatorFunction<Note, LiveBoard> {
  const { follow, keep = 10 } = options;
  const followed = (note: Note, newer$: Observable<Note>): Observable<Change> =>
    concat(
      of<Change>({ kind: 'added', note }),
      follow(note.id).pipe(
        takeUntil(newer$.pipe(skip(keep - 1))),
        takeWhile((update) => update.type !== 'deleted', true),
        map((update): Change => ({ kind: 'update', update })),
      ),
      of<Change>({ kind: 'released', id: note.id }),
    );
  return (source) =>
    source.pipe(
      dedupeBy((note) => note.id, { capacity: Math.max(1000, keep * 10) }),
      connect((notes$) => notes$.pipe(mergeMap((note) => followed(note, notes$)))),
      scan(applyChange, new Map<string, LiveNote>()),
      map((board) => [...board.values()].reverse()),
    );
}

/**
 * Runs the recipe on a Misskey link's home timeline: `in` counts notes and updates taken, `out` board
 * changes; `describe()` shows the most reacted followed note.
 *
 * @example
 * ```ts
 * const run = runLiveReactions({ misskey: connections.misskey }, { keep: 5 });
 * ```
 */
export function runLiveReactions(links: { misskey: MisskeyLink }, options: Omit<LiveReactionsOptions, 'follow'> & { onBoard?: (board: LiveBoard) => void } = {}): RecipeRun {
  const { misskey } = links;
  const meter = new Meter();
  let latest: LiveBoard = [];
  const pipeline$ = misskey.channel('homeTimeline').pipe(
    filter((message) => message.type === 'note'),
    tap(() => meter.add('in')),
    map((message) => message.body),
    liveReactionsHandler({ ...options, follow: (id) => misskey.noteUpdates(id).pipe(tap(() => meter.add('in'))) }),
    tap((board) => {
      latest = board;
      meter.add('out');
      options.onBoard?.(board);
    }),
  );
  return startRecipeRun('live-reactions', meter, pipeline$, {
    reconnects: [misskey.reconnects$],
    gaps: [misskey.gaps$],
    describe: () => describeBoard(latest),
  });
}

/**
 * A one-line view of a board: how many notes are followed and the most reacted one.
 *
 * @example
 * ```ts
 * describeBoard(board); // 'following 10 notes; top: "my cat…" 🐱2 👍1'
 * ```
 */
export function describeBoard(board: LiveBoard): string {
  const total = (note: LiveNote): number => Object.values(note.reactions).reduce((a, b) => a + b, 0);
  const top = [...board].sort((a, b) => total(b) - total(a))[0];
  if (!top) return 'following no note yet';
  const counts = Object.entries(top.reactions).map(([reaction, count]) => `${reaction}${count}`).join(' ');
  return `following ${board.length} notes; top: "${(top.text ?? '').slice(0, 30)}" ${counts || '(no reaction yet)'}`;
}

/**
 * The recipe as a program (`npx tsx recipes/live-reactions.ts`): options of `runRecipes`.
 *
 * @example
 * ```ts
 * await runRecipes({ ...liveReactionsMain(), duration: 10 });
 * ```
 */
export function liveReactionsMain(env: Env = process.env): RunRecipesOptions {
  return { title: 'Recipe 4: Misskey live reactions', services: ['misskey'], env, start: (connections) => [runLiveReactions({ misskey: connections.misskey! })] };
}

if (isMain(import.meta.url)) void runAsMain(liveReactionsMain());
