/**
 * Recipe 1 — mixi2 mention reply: every post that mentions the application (`POST_MENTIONED`) gets one
 * reply (`CreatePost` with `in_reply_to_post_id`), never two, within mixi2's rate limit (20 calls per
 * minute per RPC), waiting out `RESOURCE_EXHAUSTED` as its `retry-after` says.
 *
 * Run: `npx tsx recipes/mention-reply.ts [--duration <seconds>]`
 * @module
 */
import { catchError, concatMap, filter, map, of, tap, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { dedupeBy, RateGovernor, retryBackoff, type RetryBackoffOptions } from '../src/index.js';
import {
  EventReason,
  fitMixi2PostText,
  isPostCreated,
  type CreatePostResponse,
  type Event,
  type Mixi2EventOf,
  type Post,
  type User,
} from '../src/mixi2/index.js';
import type { Mixi2Link } from './mixi2-link.js';
import type { CreatePostArgs } from './api-requests.js';
import { Meter } from './meter.js';
import { effectRetry } from './effect-retry.js';
import { startRecipeRun, type RecipeRun } from './recipe-run.js';
import { RECIPE_ENV, setting, type Env } from './environment.js';
import { isMain, runAsMain, type RunRecipesOptions } from './runner.js';

/** What happened to one mention. */
export type ReplyOutcome =
  | { status: 'replied'; postId: string; replyId: string; text: string }
  | { status: 'failed'; postId: string; error: unknown };

/** Options of {@link mentionReplyHandler}. */
export interface MentionReplyOptions {
  /** Sends one reply, usually `link.api.createPost` or `client.api.createPost`. */
  createPost: (request: CreatePostArgs) => Observable<CreatePostResponse>;
  /** The reply's text for a mention. @default a thank-you addressed to the issuer */
  compose?: (post: Post, issuer: User | undefined) => string;
  /** The application's own user id: its own posts are never answered. @default none */
  botUserId?: string;
  /** Replies started in any `window`. mixi2 documents 20 per minute (older docs: 10). @default 20 */
  limit?: number;
  /** The rate-limit window, in ms. @default 60000 */
  window?: number;
  /** Retries of a failed reply: rate limits (at least `retry-after` later) and transient failures. @default { initialDelay: 1000, maxRetries: 3 } */
  retry?: RetryBackoffOptions;
  /** Post ids remembered (in this process) so that none is answered twice. @default 10000 */
  remember?: number;
  /** Scheduler of the rate limit and retries. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * The default reply text: a thank-you to the issuer, cut to mixi2's 149 characters.
 *
 * @example
 * ```ts
 * defaultReply(post, { name: 'alice' } as User); // '@alice thanks for the mention! …'
 * ```
 */
export function defaultReply(post: Post, issuer: User | undefined): string {
  const who = issuer?.name ? `@${issuer.name} ` : '';
  const quoted = post.text.replace(/\s+/g, ' ').trim();
  return fitMixi2PostText(`${who}thanks for the mention! You said: “${quoted}”`);
}

const isMention = (event: Mixi2EventOf<'postCreatedEvent'>): boolean =>
  event.body.value.eventReasonList.includes(EventReason.EVENT_REASON_POST_MENTIONED) && event.body.value.post !== undefined;

const postOf = (event: Mixi2EventOf<'postCreatedEvent'>): Post => event.body.value.post as Post;

/**
 * The handler: mentions in, one reply each out. Keeps `POST_CREATED` events whose reasons include
 * `POST_MENTIONED`, skips the bot's own posts and any post already answered (or tried), then replies in
 * order within the rate limit. A reply that still fails after its retries is reported, not thrown, so one
 * bad post never stops the bot.
 *
 * @example
 * ```ts
 * link.events$.pipe(mentionReplyHandler({ createPost: (r) => link.api.createPost(r) })).subscribe(console.log);
 * ```
 */
export function mentionReplyHandler(options: MentionReplyOptions): OperatorFunction<Event, ReplyOutcome> {
  const { createPost, compose = defaultReply, botUserId, limit = 20, window = 60_000, remember = 10_000, scheduler } = options;
  const retry = effectRetry(options.retry, scheduler);
  // One reply after the other, each counted when it really starts: concatMap + a governor, not rateLimit +
  // concatMap, which counts a value when it is let through and so lets replies queued behind a slow one bunch up.
  const governor = new RateGovernor({ rules: () => [{ limit, window }], ...(scheduler ? { scheduler } : {}) });
  const reply = (event: Mixi2EventOf<'postCreatedEvent'>): Observable<ReplyOutcome> => {
    const post = postOf(event);
    const text = compose(post, event.body.value.issuer);
    return createPost({ text, inReplyToPostId: post.postId }).pipe(
      retryBackoff(retry),
      map((response): ReplyOutcome => ({ status: 'replied', postId: post.postId, replyId: response.post?.postId ?? '', text })),
      catchError((error: unknown) => of<ReplyOutcome>({ status: 'failed', postId: post.postId, error })),
    );
  };
  return (source) =>
    source.pipe(
      filter(isPostCreated),
      filter(isMention),
      filter((event) => botUserId === undefined || postOf(event).creatorId !== botUserId),
      dedupeBy((event) => postOf(event).postId, { capacity: remember }),
      concatMap((event) => governor.schedule('CreatePost', reply(event))),
    );
}

/** Options of {@link runMentionReply}: the handler's, without the effect. */
export type RunMentionReplyOptions = Omit<MentionReplyOptions, 'createPost'>;

/**
 * Runs the recipe on a mixi2 link: `in` counts mentions taken, `out` replies posted, `errors` replies given up.
 *
 * @example
 * ```ts
 * const run = runMentionReply({ mixi2: connections.mixi2 });
 * ```
 */
export function runMentionReply(links: { mixi2: Mixi2Link }, options: RunMentionReplyOptions = {}): RecipeRun {
  const { mixi2 } = links;
  const meter = new Meter();
  const mentions$ = mixi2.events$.pipe(
    filter((event) => isPostCreated(event) && isMention(event)),
    tap(() => meter.add('in')),
  );
  const pipeline$ = mentions$.pipe(
    mentionReplyHandler({ ...options, createPost: (request) => mixi2.api.createPost(request) }),
    map((outcome) => meter.add(outcome.status === 'replied' ? 'out' : 'errors')),
  );
  return startRecipeRun('mention-reply', meter, pipeline$, { reconnects: [mixi2.reconnects$], gaps: [mixi2.gaps$] });
}

/**
 * The recipe as a program (`npx tsx recipes/mention-reply.ts`): options of `runRecipes`.
 *
 * @example
 * ```ts
 * await runRecipes({ ...mentionReplyMain(), duration: 10 });
 * ```
 */
export function mentionReplyMain(env: Env = process.env): RunRecipesOptions {
  const botUserId = setting(env, RECIPE_ENV.mixi2BotUserId);
  return {
    title: 'Recipe 1: mixi2 mention reply',
    services: ['mixi2'],
    env,
    start: (connections) => [runMentionReply({ mixi2: connections.mixi2! }, botUserId === undefined ? {} : { botUserId })],
  };
}

if (isMain(import.meta.url)) void runAsMain(mentionReplyMain());
