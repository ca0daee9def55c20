/**
 * Recipe 9 — chart replies on mixi2 and Misskey: a mention containing `/chart` (optionally followed by
 * numbers) is answered with a bar chart drawn in code as a PNG, uploaded first (mixi2 `uploadMedia`, Misskey
 * `uploadFile`), then attached to the reply (`CreatePost` with `mediaIdList`, `notes/create` with `fileIds`).
 * The clients' rate governors keep every call inside the services' limits; the recipe only makes sure a
 * network's replies go one after the other.
 *
 * Run: `npx tsx recipes/chart-reply.ts [--duration <seconds>]`
 * @module
 */
import {
  asyncScheduler,
  catchError,
  concatMap,
  defer,
  EMPTY,
  filter,
  groupBy,
  map,
  merge,
  mergeMap,
  of,
  switchMap,
  tap,
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import { dedupeBy, retryBackoff, type RateGovernorState, type RetryBackoffOptions } from '../src/index.js';
import { fitMixi2PostText } from '../src/mixi2/index.js';
import { renderBarChart, MAX_BARS, type BarChartOptions } from './bar-chart.js';
import { misskeyChartReplier, mixi2ChartReplier, type ChartPicture, type ChartReplier } from './chart-repliers.js';
import { effectRetry } from './effect-retry.js';
import { RECIPE_ENV, setting, type Env } from './environment.js';
import { Meter } from './meter.js';
import type { MisskeyLink } from './misskey-link.js';
import { misskeyMentions, mixi2Mentions, type Mention, type MentionNetwork } from './mentions.js';
import type { Mixi2Link } from './mixi2-link.js';
import { encodePng } from './png-encoder.js';
import { startRecipeRun, type RecipeRun } from './recipe-run.js';
import { isMain, runAsMain, type RunRecipesOptions } from './runner.js';

/**
 * What a `/chart` command asks for: the numbers after it, or (without numbers) the bot's own activity.
 *
 * @example
 * ```ts
 * const spec: ChartSpec = { kind: 'values', values: [3, 1, 4] };
 * ```
 */
export type ChartSpec = { kind: 'values'; values: number[] } | { kind: 'activity' };

/**
 * Reads a `/chart` command anywhere in a text: `/chart 3 1 4.5` (numbers separated by spaces or commas, at
 * most 48, none negative) charts them; `/chart` alone (or with anything else after it) charts the recent
 * `/chart` commands. `undefined` when the text has no `/chart`.
 *
 * @example
 * ```ts
 * parseChartCommand('@bot /chart 3, 1, 4'); // { kind: 'values', values: [3, 1, 4] }
 * parseChartCommand('@bot /chart please');  // { kind: 'activity' }
 * parseChartCommand('@bot hello');          // undefined
 * ```
 */
export function parseChartCommand(text: string): ChartSpec | undefined {
  const found = /(?:^|\s)\/chart(?![\w/])(.*)/is.exec(text);
  if (!found) return undefined;
  const tokens = found[1]!.trim().split(/[\s,]+/).filter((token) => token !== '');
  const values: number[] = [];
  for (const token of tokens) {
    if (!/^\d+(?:\.\d+)?$/.test(token) || values.length === MAX_BARS) break;
    values.push(Number(token));
  }
  return values.length > 0 ? { kind: 'values', values } : { kind: 'activity' };
}

/**
 * What happened to one `/chart` command.
 *
 * @example
 * ```ts
 * handler$.subscribe((o: ChartReplyOutcome) => console.log(o.status === 'replied' ? `${o.network} reply ${o.replyId}` : o.error));
 * ```
 */
export type ChartReplyOutcome =
  | { status: 'replied'; network: MentionNetwork; postId: string; replyId: string; mediaId: string; description: string }
  | { status: 'failed'; network: MentionNetwork; postId: string; error: unknown };

/**
 * Options of {@link chartReplyHandler}.
 *
 * @example
 * ```ts
 * const options: ChartReplyOptions = { repliers: { misskey: misskeyChartReplier(client) }, bucketMs: 1000, chart: { width: 480 } };
 * ```
 */
export interface ChartReplyOptions {
  /** How each network is answered; mentions from a network without one are ignored. */
  repliers: Partial<Record<MentionNetwork, ChartReplier>>;
  /** Periods of the activity chart (`/chart` alone). @default 8 */
  buckets?: number;
  /** Length of one period of the activity chart, in ms. @default 60000 */
  bucketMs?: number;
  /** Size and colours of the chart. @default renderBarChart's defaults (320×160) */
  chart?: BarChartOptions;
  /** Retries of a failed upload or reply (each step alone: a failed reply does not upload again). @default { initialDelay: 1000, maxRetries: 3 } */
  retry?: RetryBackoffOptions;
  /** Posts remembered (in this process) so that none is answered twice. @default 10000 */
  remember?: number;
  /** Clock of the activity chart and scheduler of the retries. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * The reply's text: the chart's description addressed to the author, cut to mixi2's 149 characters.
 *
 * @example
 * ```ts
 * chartReplyText(mention, 'your numbers: 3, 1, 4'); // '@alice here is your chart (your numbers: 3, 1, 4)'
 * ```
 */
export function chartReplyText(mention: Mention, description: string): string {
  const who = mention.authorName ? `@${mention.authorName} ` : '';
  return fitMixi2PostText(`${who}here is your chart (${description})`);
}

/** Times of the `/chart` commands seen, counted per period for the activity chart. */
function activityCounter(buckets: number, bucketMs: number, scheduler: SchedulerLike): () => number[] {
  let seen: number[] = [];
  return () => {
    const now = scheduler.now();
    const start = now - buckets * bucketMs;
    seen = [...seen.filter((t) => t > start), now];
    const counts = new Array<number>(buckets).fill(0);
    for (const t of seen) counts[Math.min(buckets - 1, Math.floor((t - start) / bucketMs))]! += 1;
    return counts;
  };
}

/**
 * The handler: mentions in, one chart reply each out. Mentions containing `/chart` are answered once per
 * post: the chart is drawn, uploaded, then posted as a reply carrying it. A network's replies go one after
 * the other in the order of the commands (so uploads do not pile up while a rate governor holds the
 * replies), the two networks independently (mixi2 waiting for its limit never delays Misskey). A reply
 * that still fails after its retries is reported, not thrown.
 *
 * @example
 * ```ts
 * merge(mixi2.events$.pipe(mixi2Mentions()), misskey.channel('main').pipe(misskeyMentions(myId)))
 *   .pipe(chartReplyHandler({ repliers: { mixi2: mixi2ChartReplier(mixi2Client), misskey: misskeyChartReplier(misskeyClient) } }))
 *   .subscribe(console.log);
 * ```
 */
export function chartReplyHandler(options: ChartReplyOptions): OperatorFunction<Mention, ChartReplyOutcome> {
  const { repliers, buckets = 8, bucketMs = 60_000, chart, remember = 10_000, scheduler = asyncScheduler } = options;
  const retry = effectRetry(options.retry, scheduler);
  const draw = (values: readonly number[], description: string): ChartPicture => ({ png: encodePng(renderBarChart(values, chart)), description });
  const answer = (replier: ChartReplier, mention: Mention, picture: ChartPicture): Observable<ChartReplyOutcome> =>
    replier.upload(picture).pipe(
      retryBackoff(retry),
      concatMap((mediaId) =>
        replier.reply(mention, chartReplyText(mention, picture.description), mediaId).pipe(
          retryBackoff(retry),
          map((replyId): ChartReplyOutcome => ({ status: 'replied', network: mention.network, postId: mention.postId, replyId, mediaId, description: picture.description })),
        ),
      ),
      catchError((error: unknown) => of<ChartReplyOutcome>({ status: 'failed', network: mention.network, postId: mention.postId, error })),
    );
  return (source) =>
    defer(() => {
      const activity = activityCounter(buckets, bucketMs, scheduler);
      const pictureFor = (spec: ChartSpec): ChartPicture => {
        if (spec.kind === 'values') return draw(spec.values, `your numbers: ${spec.values.join(', ')}`);
        const counts = activity();
        return draw(counts, `/chart commands per ${bucketMs / 1000} s, oldest first: ${counts.join(' ')}`);
      };
      return source.pipe(
        filter((mention) => repliers[mention.network] !== undefined),
        map((mention) => ({ mention, spec: parseChartCommand(mention.text) })),
        filter((command): command is { mention: Mention; spec: ChartSpec } => command.spec !== undefined),
        dedupeBy(({ mention }) => `${mention.network}:${mention.postId}`, { capacity: remember }),
        map(({ mention, spec }) => ({ mention, picture: pictureFor(spec) })),
        groupBy(({ mention }) => mention.network),
        mergeMap((network) => network.pipe(concatMap(({ mention, picture }) => answer(repliers[network.key]!, mention, picture)))),
      );
    });
}

/**
 * Options of {@link runChartReply}: the handler's, without the repliers.
 *
 * @example
 * ```ts
 * runChartReply({ mixi2, misskey }, { botUserId: 'bot-user-id', bucketMs: 1000 });
 * ```
 */
export interface RunChartReplyOptions extends Omit<ChartReplyOptions, 'repliers'> {
  /** The mixi2 application's own user id: its posts are never answered. @default none */
  botUserId?: string;
  /** The Misskey account's id: its notes are never answered. @default asked with `i` */
  myUserId?: string;
}

const governorLine = (name: string, state: RateGovernorState): string =>
  `${name} waits ${state.waits} (${(state.waitedMs / 1000).toFixed(1)} s) queued ${state.queued}${state.held.length > 0 ? ` held ${state.held.map((h) => h.key).join(',')}` : ''}`;

/**
 * Runs the recipe on the networks given: `in` counts `/chart` commands, `out` chart replies posted, `errors`
 * replies given up. Its status line tells the uploads per network and the waits of each client's rate
 * governor (`client.rateLimits.state()`).
 *
 * @example
 * ```ts
 * const run = runChartReply({ mixi2: connections.mixi2, misskey: connections.misskey });
 * ```
 */
export function runChartReply(links: { mixi2?: Mixi2Link; misskey?: MisskeyLink }, options: RunChartReplyOptions = {}): RecipeRun {
  const { mixi2, misskey } = links;
  const { botUserId, myUserId, ...handlerOptions } = options;
  const meter = new Meter();
  const uploads: Record<MentionNetwork, number> = { mixi2: 0, misskey: 0 };
  const counted = (network: MentionNetwork, replier: ChartReplier): ChartReplier => ({ ...replier, upload: (picture) => replier.upload(picture).pipe(tap(() => (uploads[network] += 1))) });
  const repliers: Partial<Record<MentionNetwork, ChartReplier>> = {};
  if (mixi2) repliers.mixi2 = counted('mixi2', mixi2ChartReplier({ uploadMedia: (media, o) => mixi2.client.uploadMedia(media, o), api: mixi2.api }));
  if (misskey) repliers.misskey = counted('misskey', misskeyChartReplier({ uploadFile: (file, o) => misskey.client.uploadFile(file, o), api: misskey.api }));
  const mixi2$ = mixi2 ? mixi2.events$.pipe(mixi2Mentions(botUserId)) : EMPTY;
  const me$ = myUserId !== undefined ? of(myUserId) : defer(() => misskey!.client.api('i').pipe(map((me) => me.id)));
  const misskey$ = misskey ? me$.pipe(switchMap((id) => misskey.channel('main').pipe(misskeyMentions(id)))) : EMPTY;
  const pipeline$ = merge(mixi2$, misskey$).pipe(
    tap((mention) => {
      if (parseChartCommand(mention.text) !== undefined) meter.add('in');
    }),
    chartReplyHandler({ ...handlerOptions, repliers }),
    map((outcome) => meter.add(outcome.status === 'replied' ? 'out' : 'errors')),
  );
  const governors = (): string =>
    [mixi2 && governorLine('mixi2', mixi2.client.rateLimits.state()), misskey && governorLine('misskey', misskey.client.rateLimits.state())].filter(Boolean).join(', ');
  return startRecipeRun('chart-reply', meter, pipeline$, {
    reconnects: [mixi2?.reconnects$, misskey?.reconnects$].filter((s) => s !== undefined),
    gaps: [mixi2?.gaps$, misskey?.gaps$].filter((s) => s !== undefined),
    describe: () => `uploads mixi2 ${uploads.mixi2} misskey ${uploads.misskey}, replies ${meter.counters.out}; rate governors: ${governors()}`,
  });
}

/**
 * The recipe as a program (`npx tsx recipes/chart-reply.ts`): options of `runRecipes`.
 *
 * @example
 * ```ts
 * await runRecipes({ ...chartReplyMain(), duration: 10 });
 * ```
 */
export function chartReplyMain(env: Env = process.env): RunRecipesOptions {
  const botUserId = setting(env, RECIPE_ENV.mixi2BotUserId);
  return {
    title: 'Recipe 9: chart replies on mixi2 and Misskey (upload a PNG, then reply with it)',
    services: ['mixi2', 'misskey'],
    env,
    start: ({ mixi2, misskey }) => [runChartReply({ mixi2: mixi2!, misskey: misskey! }, botUserId === undefined ? {} : { botUserId })],
  };
}

if (isMain(import.meta.url)) void runAsMain(chartReplyMain());
