/**
 * Recipe 3 — Misskey keyword reactions: notes on the home timeline whose text matches a pattern get the
 * pattern's reaction (`notes/reactions/create`), throttled, pausing as long as a 429's `Retry-After` says.
 *
 * Run: `npx tsx recipes/keyword-reactions.ts [--duration <seconds>]`
 * @module
 */
import { catchError, concatMap, connect, defer, filter, map, merge, of, switchMap, tap, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { dedupeBy, RateGovernor, retryBackoff, type RateRule, type RetryBackoffOptions } from '../src/index.js';
import type { ChannelMessage, Note } from '../src/misskey/index.js';
import type { Env } from './environment.js';
import { Meter } from './meter.js';
import type { MisskeyLink } from './misskey-link.js';
import { effectRetry } from './effect-retry.js';
import { startRecipeRun, type RecipeRun } from './recipe-run.js';
import { isMain, runAsMain, type RunRecipesOptions } from './runner.js';

/** A keyword rule: notes whose text or CW matches `pattern` get `reaction`. */
export interface KeywordRule {
  pattern: RegExp;
  /** A Unicode emoji, or a custom emoji as `:name:`. */
  reaction: string;
}

/**
 * The rules the demo uses.
 *
 * @example
 * ```ts
 * keywordReactionHandler({ react, rules: [...defaultKeywordRules, { pattern: /ramen/i, reaction: '🍜' }] });
 * ```
 */
export const defaultKeywordRules: readonly KeywordRule[] = Object.freeze([
  { pattern: /\bstreamrx\b/i, reaction: '🎉' },
  { pattern: /\bcats?\b|猫/i, reaction: '🐱' },
  { pattern: /\brxjs\b/i, reaction: '👀' },
  { pattern: /good morning|おはよう/i, reaction: '☀️' },
]);

/** What happened to one matching note. */
export type ReactionOutcome =
  | { status: 'reacted'; noteId: string; reaction: string }
  | { status: 'skipped'; noteId: string; reaction: string }
  | { status: 'failed'; noteId: string; reaction: string; error: unknown };

/** Options of {@link keywordReactionHandler}. */
export interface KeywordReactionOptions {
  /** Makes one reaction, usually `notes/reactions/create`. */
  react: (noteId: string, reaction: string) => Observable<unknown>;
  /** Patterns and their reactions; the first match wins. @default defaultKeywordRules */
  rules?: readonly KeywordRule[];
  /** The bot's own user id: its notes get no reaction. @default none */
  myUserId?: string;
  /** Reactions started in any `window`. @default 10 */
  limit?: number;
  /** The throttle window, in ms. @default 60000 */
  window?: number;
  /** Least time between two reactions, in ms. @default 1000 */
  minInterval?: number;
  /** Matching notes waiting for their turn; past it newer ones are skipped (a stale reaction is worth little). @default 100 */
  maxPending?: number;
  /** Retries of a failed reaction; a 429 waits at least its `Retry-After`. @default { initialDelay: 1000, maxRetries: 3 } */
  retry?: RetryBackoffOptions;
  /** Scheduler of the throttle and retries. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * The first rule matching a note's text or CW, if any.
 *
 * @example
 * ```ts
 * matchRule({ text: 'my cat', cw: null } as Note, defaultKeywordRules)?.reaction; // '🐱'
 * ```
 */
export function matchRule(note: Pick<Note, 'text' | 'cw'>, rules: readonly KeywordRule[]): KeywordRule | undefined {
  const text = `${note.cw ?? ''}\n${note.text ?? ''}`;
  return rules.find((rule) => rule.pattern.test(text));
}

type Match = { note: Note; rule: KeywordRule };

/**
 * The handler: timeline messages in, reactions out. Each note (once, by id) that is not the bot's own
 * and matches a rule gets that rule's reaction, one at a time within the throttle; a 429 pauses the queue
 * for its `Retry-After`; a reaction that keeps failing is reported, and notes beyond `maxPending` are skipped.
 *
 * @example
 * ```ts
 * link.channel('homeTimeline').pipe(
 *   keywordReactionHandler({ react: (noteId, reaction) => link.api('notes/reactions/create', { noteId, reaction }) }),
 * ).subscribe(console.log);
 * ```
 */
export function keywordReactionHandler(options: KeywordReactionOptions): OperatorFunction<ChannelMessage<'homeTimeline'>, ReactionOutcome> {
  const { react, rules = defaultKeywordRules, myUserId, limit = 10, window = 60_000, minInterval = 1000, maxPending = 100, scheduler } = options;
  const retry = effectRetry(options.retry, scheduler);
  // One reaction after the other, each counted when it really starts; minInterval is a rule of 1 per minInterval.
  const rateRules: RateRule[] = [{ limit, window }, ...(minInterval > 0 ? [{ limit: 1, window: minInterval }] : [])];
  const governor = new RateGovernor({ rules: () => rateRules, ...(scheduler ? { scheduler } : {}) });
  const reactTo = ({ note, rule }: Match): Observable<ReactionOutcome> =>
    react(note.id, rule.reaction).pipe(
      retryBackoff(retry),
      map((): ReactionOutcome => ({ status: 'reacted', noteId: note.id, reaction: rule.reaction })),
      catchError((error: unknown) => of<ReactionOutcome>({ status: 'failed', noteId: note.id, reaction: rule.reaction, error })),
    );
  return (source) =>
    defer(() => {
      let pending = 0;
      return source.pipe(
        filter((message) => message.type === 'note'),
        map((message) => message.body),
        filter((note) => note.userId !== myUserId),
        dedupeBy((note) => note.id, { capacity: 10_000 }),
        map((note) => ({ note, rule: matchRule(note, rules) })),
        filter((candidate): candidate is Match => candidate.rule !== undefined),
        map((m) => ({ ...m, admitted: pending < maxPending && ++pending > 0 })),
        connect((matches) =>
          merge(
            matches.pipe(
              filter((m) => !m.admitted),
              map((m): ReactionOutcome => ({ status: 'skipped', noteId: m.note.id, reaction: m.rule.reaction })),
            ),
            matches.pipe(
              filter((m) => m.admitted),
              concatMap((m) => governor.schedule('notes/reactions/create', reactTo(m))),
              tap(() => (pending -= 1)),
            ),
          ),
        ),
      );
    });
}

/**
 * Runs the recipe on a Misskey link's home timeline: `in` counts notes, `out` reactions made, `errors`
 * reactions given up (skipped ones are neither). Without `myUserId`, the bot's id is asked first (`i`) so
 * its own notes get no reaction.
 *
 * @example
 * ```ts
 * const run = runKeywordReactions({ misskey: connections.misskey });
 * ```
 */
export function runKeywordReactions(links: { misskey: MisskeyLink }, options: Omit<KeywordReactionOptions, 'react'> = {}): RecipeRun {
  const { misskey } = links;
  const meter = new Meter();
  const me$ = options.myUserId !== undefined ? of(options.myUserId) : misskey.client.api('i').pipe(map((me) => me.id));
  const pipeline$ = me$.pipe(
    switchMap((myUserId) =>
      misskey.channel('homeTimeline').pipe(
        tap(() => meter.add('in')),
        keywordReactionHandler({ ...options, myUserId, react: (noteId, reaction) => misskey.api('notes/reactions/create', { noteId, reaction }) }),
      ),
    ),
    map((outcome) => (outcome.status === 'reacted' ? meter.add('out') : outcome.status === 'failed' ? meter.add('errors') : undefined)),
  );
  return startRecipeRun('keyword-reactions', meter, pipeline$, { reconnects: [misskey.reconnects$], gaps: [misskey.gaps$] });
}

/**
 * The recipe as a program (`npx tsx recipes/keyword-reactions.ts`): options of `runRecipes`.
 *
 * @example
 * ```ts
 * await runRecipes({ ...keywordReactionsMain(), duration: 10 });
 * ```
 */
export function keywordReactionsMain(env: Env = process.env): RunRecipesOptions {
  return { title: 'Recipe 3: Misskey keyword reactions', services: ['misskey'], env, start: (connections) => [runKeywordReactions({ misskey: connections.misskey! })] };
}

if (isMain(import.meta.url)) void runAsMain(keywordReactionsMain());
