/**
 * Recipe 6 — webhook receiver: mixi2 webhook deliveries verified (Ed25519 over body ‖ timestamp, ±300 s),
 * de-duplicated by event id (mixi2 retries a delivery up to 3 times) and handled: mentions get a reply,
 * chat commands an answer, community changes are noted.
 *
 * Run: `npx tsx recipes/webhook-receiver.ts [--duration <seconds>]`
 * @module
 */
import { catchError, map, mergeMap, of, tap, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { match } from 'ts-pattern';
import { dedupeBy, InvalidArgumentError, rateLimit, retryBackoff, type RetryBackoffOptions } from '../src/index.js';
import {
  EventReason,
  mixi2Webhook,
  type CreatePostResponse,
  type Event,
  type SendChatMessageResponse,
} from '../src/mixi2/index.js';
import { buildChatMessageReceivedEvent, buildCommunityMemberChangedEvent, buildMixi2Post, buildPostCreatedEvent, type Mixi2Emulator } from '../src/testing/index.js';
import { answerCommand, parseCommand, type CommandContext } from './chat-commands.js';
import { RECIPE_ENV, setting, type Env } from './environment.js';
import type { CreatePostArgs, SendChatMessageArgs } from './api-requests.js';
import { Meter } from './meter.js';
import { defaultReply } from './mention-reply.js';
import type { Mixi2Link } from './mixi2-link.js';
import { effectRetry } from './effect-retry.js';
import { startRecipeRun, type RecipeRun } from './recipe-run.js';
import { isMain, runAsMain, type RunRecipesOptions } from './runner.js';

/** What happened to one webhook event. */
export type WebhookOutcome =
  | { status: 'handled'; eventId: string; action: 'replied' | 'answered' | 'noted' }
  | { status: 'ignored'; eventId: string }
  | { status: 'failed'; eventId: string; error: unknown };

/** Options of {@link webhookEventHandler}. */
export interface WebhookEventOptions {
  /** Posts a reply, usually `link.api.createPost`. */
  createPost: (request: CreatePostArgs) => Observable<CreatePostResponse>;
  /** Sends a chat message, usually `link.api.sendChatMessage`. */
  sendChatMessage: (request: SendChatMessageArgs) => Observable<SendChatMessageResponse>;
  /** Told about community member changes and plugin installs. @default none */
  onNote?: (line: string) => void;
  /** Clock and dice of chat commands. @default { now: Date.now, random: Math.random } */
  context?: CommandContext;
  /** Event ids remembered against redeliveries. @default 10000 */
  remember?: number;
  /** How long an event id is remembered, in ms (mixi2 retries for about 90 s). @default 600000 */
  ttl?: number;
  /** API calls started in any `window` (mixi2: 20 per minute per RPC). @default 20 */
  limit?: number;
  /** The rate-limit window, in ms. @default 60000 */
  window?: number;
  /** Retries of a failed API call. @default { initialDelay: 1000, maxRetries: 3 } */
  retry?: RetryBackoffOptions;
  /** Scheduler of the de-duplication window, rate limit and retries. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * The handler: verified webhook events in, outcomes out. Drops redeliveries by `event_id`, routes each
 * event with ts-pattern (mention → reply, chat → command answer, member/plugin change → noted, anything
 * else ignored) and starts them within the rate limit (`rateLimit`, then `mergeMap`: a slow call never holds
 * the next one back); a failing call is reported.
 *
 * @example
 * ```ts
 * mixi2Webhook({ publicKey, dedupe: false }).pipe(
 *   webhookEventHandler({ createPost: (r) => api.createPost(r), sendChatMessage: (r) => api.sendChatMessage(r) }),
 * ).subscribe(console.log);
 * ```
 */
export function webhookEventHandler(options: WebhookEventOptions): OperatorFunction<Event, WebhookOutcome> {
  const { createPost, sendChatMessage, onNote, context = { now: Date.now, random: Math.random }, remember = 10_000, ttl = 600_000, limit = 20, window = 60_000, scheduler } = options;
  const retry = effectRetry(options.retry, scheduler);
  const call = <R>(eventId: string, action: 'replied' | 'answered', request: Observable<R>): Observable<WebhookOutcome> =>
    request.pipe(
      retryBackoff(retry),
      map((): WebhookOutcome => ({ status: 'handled', eventId, action })),
      catchError((error: unknown) => of<WebhookOutcome>({ status: 'failed', eventId, error })),
    );
  const noted = (eventId: string, line: string): Observable<WebhookOutcome> => {
    onNote?.(line);
    return of({ status: 'handled', eventId, action: 'noted' });
  };
  const handle = (event: Event): Observable<WebhookOutcome> =>
    match(event.body)
      .returnType<Observable<WebhookOutcome>>()
      .with({ $case: 'postCreatedEvent' }, ({ value }) =>
        value.post && value.eventReasonList.includes(EventReason.EVENT_REASON_POST_MENTIONED)
          ? call(event.eventId, 'replied', createPost({ text: defaultReply(value.post, value.issuer), inReplyToPostId: value.post.postId }))
          : of({ status: 'ignored', eventId: event.eventId }),
      )
      .with({ $case: 'chatMessageReceivedEvent' }, ({ value }) => {
        const text = value.message ? answerCommand(parseCommand(value.message.text), context) : undefined;
        return value.message && text !== undefined
          ? call(event.eventId, 'answered', sendChatMessage({ roomId: value.message.roomId, text }))
          : of({ status: 'ignored', eventId: event.eventId });
      })
      .with({ $case: 'communityMemberChangedEvent' }, ({ value }) => {
        const left = value.eventReasonList.includes(EventReason.EVENT_REASON_COMMUNITY_MEMBER_LEFT);
        return noted(event.eventId, `${value.member?.name ?? 'someone'} ${left ? 'left' : 'joined'} ${value.community?.name ?? 'a community'}`);
      })
      .with({ $case: 'communityPluginManagedEvent' }, ({ value }) => {
        const removed = value.eventReasonList.includes(EventReason.EVENT_REASON_COMMUNITY_PLUGIN_UNINSTALLED);
        return noted(event.eventId, `plugin ${removed ? 'removed from' : 'installed in'} ${value.community?.name ?? 'a community'}`);
      })
      .otherwise(() => of({ status: 'ignored', eventId: event.eventId }));
  return (source) =>
    source.pipe(
      dedupeBy((event) => event.eventId, { capacity: remember, ttl, ...(scheduler ? { scheduler } : {}) }),
      rateLimit({ limit, window, ...(scheduler ? { scheduler } : {}) }),
      mergeMap(handle),
    );
}

/** Options of {@link runWebhookReceiver}. */
export interface RunWebhookReceiverOptions {
  /** The application's webhook public key (Base64). */
  publicKey: string;
  /** Port to listen on; 0 picks a free one. @default 8080 */
  port?: number;
  /** Interface to listen on. @default '0.0.0.0' */
  host?: string;
  /** Told the URL once listening; may return a cleanup run when the recipe stops. @default none */
  onListening?: (url: string) => void | (() => void);
  /** Told about community changes. @default none */
  onNote?: (line: string) => void;
}

/**
 * Runs the receiver: an HTTP server for mixi2 webhooks whose events are handled through the mixi2 link's
 * API. `in` counts verified deliveries' events (redeliveries included), `out` events handled, `errors` failed calls.
 *
 * @example
 * ```ts
 * const run = runWebhookReceiver({ mixi2 }, { publicKey: process.env.MIXI2_WEBHOOK_PUBLIC_KEY!, port: 8080 });
 * ```
 */
export function runWebhookReceiver(links: { mixi2: Mixi2Link }, options: RunWebhookReceiverOptions): RecipeRun {
  const { mixi2 } = links;
  const meter = new Meter();
  let cleanup: void | (() => void);
  let received = 0;
  let handled = 0;
  const events$ = mixi2Webhook({
    publicKey: options.publicKey,
    port: options.port ?? 8080,
    host: options.host ?? '0.0.0.0',
    dedupe: false,
    onListening: (url) => (cleanup = options.onListening?.(url)),
  });
  const pipeline$ = events$.pipe(
    tap(() => (meter.add('in'), (received += 1))),
    webhookEventHandler({
      createPost: (request) => mixi2.api.createPost(request),
      sendChatMessage: (request) => mixi2.api.sendChatMessage(request),
      ...(options.onNote ? { onNote: options.onNote } : {}),
    }),
    tap((outcome) => {
      if (outcome.status === 'handled') meter.add('out');
      else if (outcome.status === 'failed') meter.add('errors');
      if (outcome.status !== 'failed') handled += 1;
    }),
  );
  return startRecipeRun('webhook-receiver', meter, pipeline$, {
    release: () => cleanup?.(),
    describe: () => `received ${received} events, ${received - handled} redeliveries or failures dropped`,
  });
}

/**
 * Sends the emulator's webhook traffic to a receiver every `every` ms: signed mentions, chat commands and
 * member changes, with a redelivery of the previous delivery every third round and a tampered one every
 * fifth (which the receiver must refuse with 401).
 *
 * @example
 * ```ts
 * const stop = sendWebhookTraffic(emulator, url, 250);
 * ```
 */
export function sendWebhookTraffic(emulator: Mixi2Emulator, url: string, every = 250): () => void {
  let round = 0;
  const send = async (): Promise<void> => {
    const n = round++;
    if (n % 3 === 2) await emulator.replayWebhook();
    const post = emulator.store.addPost(buildMixi2Post({ creatorId: 'user-alice', text: '@bot webhook says hi' }));
    const events = match(n % 3)
      .with(0, () => buildPostCreatedEvent(post))
      .with(1, () => buildChatMessageReceivedEvent({ text: '/ping', roomId: 'room-webhook' }))
      .otherwise(() => buildCommunityMemberChangedEvent());
    await emulator.sendWebhook(url, events, n % 5 === 4 ? { tamper: true } : undefined);
  };
  const timer = setInterval(() => void send().catch(() => undefined), every);
  return () => clearInterval(timer);
}

/**
 * The recipe as a program (`npx tsx recipes/webhook-receiver.ts`): options of `runRecipes`. With
 * `MIXI2_WEBHOOK_PUBLIC_KEY` set it listens on `MIXI2_WEBHOOK_PORT` (default 8080) for the real mixi2;
 * otherwise on a free local port, fed by the mixi2 emulator's signed deliveries.
 *
 * @example
 * ```ts
 * await runRecipes({ ...webhookReceiverMain(), duration: 10 });
 * ```
 */
export function webhookReceiverMain(env: Env = process.env, log: (line: string) => void = (line) => console.log(line)): RunRecipesOptions {
  const publicKey = setting(env, RECIPE_ENV.mixi2WebhookPublicKey);
  const port = Number(setting(env, RECIPE_ENV.mixi2WebhookPort) ?? 8080);
  return {
    title: 'Recipe 6: mixi2 webhook receiver',
    services: ['mixi2'],
    env,
    traffic: false,
    start: (connections) => {
      const emulator = connections.emulators.mixi2;
      if (publicKey === undefined && emulator === undefined) throw new InvalidArgumentError(`${RECIPE_ENV.mixi2WebhookPublicKey} is not set`);
      const options: RunWebhookReceiverOptions =
        publicKey !== undefined || emulator === undefined
          ? { publicKey: publicKey ?? '', port, onListening: (url) => log(`listening on ${url}`) }
          : { publicKey: emulator.webhookPublicKey, port: 0, host: '127.0.0.1', onListening: (url) => sendWebhookTraffic(emulator, url), onNote: (line) => log(`  noted: ${line}`) };
      return [runWebhookReceiver({ mixi2: connections.mixi2! }, options)];
    },
  };
}

if (isMain(import.meta.url)) void runAsMain(webhookReceiverMain());
