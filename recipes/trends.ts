/**
 * Recipe 7 — trends across networks: hashtags of mixi2 posts and Misskey notes, counted in sliding windows
 * in event time (5 minutes every minute by default), the top 10 of each window published to a Momento
 * topic. Posts and notes are placed by their creation time, not their arrival: out-of-order delivery and
 * the notes gap-fill brings after a reconnect land in the windows they belong to, re-publishing a
 * corrected board as an update.
 *
 * Run: `npx tsx recipes/trends.ts [--duration <seconds>]`
 * @module
 */
import { filter, map, mergeMap, of, tap, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import {
  counting,
  eventValues,
  mergeEventTime,
  slidingWindows,
  tumblingWindows,
  withEventTime,
  type Aggregator,
  type EventTimeElement,
  type Timestamped,
  type WindowResult,
} from '../src/index.js';
import { misskeyNoteTime } from '../src/misskey/index.js';
import { isPostCreated, mixi2EventTime } from '../src/mixi2/index.js';
import type { FeedInput } from './cross-feed.js';
import type { Env } from './environment.js';
import { Meter } from './meter.js';
import type { MisskeyLink } from './misskey-link.js';
import type { Mixi2Link } from './mixi2-link.js';
import type { MomentoLink } from './momento-link.js';
import { startRecipeRun, type RecipeRun } from './recipe-run.js';
import { isMain, runAsMain, type RunRecipesOptions } from './runner.js';

/** One hashtag and how often it was used in a window. */
export interface Trend {
  tag: string;
  count: number;
}

/** The top hashtags of one window, as published. */
export interface TrendBoard {
  /** The window, in epoch ms: `[start, end)`. */
  start: number;
  end: number;
  /** Most used first (ties by tag). */
  top: Trend[];
  /** `'onTime'` when the window closed, `'update'` when late posts corrected it. */
  kind: 'onTime' | 'update';
}

/** Options of {@link trendsHandler}. */
export interface TrendsOptions {
  /** Window length, in ms of event time. @default 300000 (5 minutes) */
  window?: number;
  /** A window starts every `slide` ms. @default 60000 (1 minute) */
  slide?: number;
  /** How many hashtags a board holds. @default 10 */
  top?: number;
  /** How long a window still takes late posts, re-publishing its board. @default 120000 */
  allowedLateness?: number;
  /** Told about each late post folded into the windows. @default none */
  onLate?: () => void;
  /** Told about each post too late for any window. @default none */
  onDropped?: () => void;
}

/**
 * The hashtags of a text, lower-cased, each once: `#rxjs`, `#猫`.
 *
 * @example
 * ```ts
 * hashtagsOf('Anyone tried #RxJS marble tests? #rxjs #testing'); // ['#rxjs', '#testing']
 * ```
 */
export function hashtagsOf(text: string): string[] {
  return [...new Set([...text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => `#${m[1]!.toLowerCase()}`))];
}

/** One hashtag use; `first` marks the first tag of its post, so posts are counted once. */
interface Sighting {
  tag: string;
  first: boolean;
}

function textOf(input: FeedInput): string {
  if (input.network === 'misskey') return `${input.note.cw ?? ''} ${input.note.text ?? ''}`;
  return input.event.body?.$case === 'postCreatedEvent' ? (input.event.body.value.post?.text ?? '') : '';
}

/** Each post becomes its hashtags, at the post's time; watermarks pass. */
function sightings(): OperatorFunction<EventTimeElement<FeedInput>, EventTimeElement<Sighting>> {
  return mergeMap((element): Observable<EventTimeElement<Sighting>> => {
    if (element.type === 'watermark') return of(element);
    const tags = hashtagsOf(textOf(element.value));
    return of(...tags.map((tag, i): Timestamped<Sighting> => ({ type: 'event', value: { tag, first: i === 0 }, time: element.time })));
  });
}

/** The top `n` of a window's per-tag counts; a tag's later result (an update) replaces its earlier one. */
function topTags(n: number): Aggregator<WindowResult<string, number>, Map<string, number>, Trend[]> {
  return {
    create: () => new Map(),
    add: (counts, result) => counts.set(result.key, result.result),
    result: (counts) =>
      [...counts]
        .map(([tag, count]) => ({ tag, count }))
        .sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : 1))
        .slice(0, n),
  };
}

/**
 * The handler: posts and notes in event time in, one board per window out. Hashtags are counted per
 * sliding window; the counts of each window (stamped at its end) are gathered by a tumbling window of
 * `slide` into its top `top`. A late post corrects both stages, and the window's board comes again as an
 * update.
 *
 * @example
 * ```ts
 * mergeEventTime(mixi2Posts$, misskeyNotes$).pipe(trendsHandler({ window: 300_000, slide: 60_000 }))
 *   .subscribe((board) => console.log(board.top));
 * ```
 */
export function trendsHandler(options: TrendsOptions = {}): OperatorFunction<EventTimeElement<FeedInput>, TrendBoard> {
  const { window = 300_000, slide = 60_000, top = 10, allowedLateness = 120_000, onLate, onDropped } = options;
  return (source) =>
    source.pipe(
      sightings(),
      slidingWindows(window, slide, {
        key: (s: Sighting) => s.tag,
        aggregate: counting(),
        allowedLateness,
        onLate: (s) => s.value.first && onLate?.(),
        onDropped: (s) => s.value.first && onDropped?.(),
      }),
      tumblingWindows(slide, { aggregate: topTags(top), allowedLateness }),
      eventValues(),
      filter((board) => board.result.length > 0),
      map(({ end, result, kind }): TrendBoard => ({ start: end - window, end, top: result, kind: kind === 'update' ? 'update' : 'onTime' })),
    );
}

/**
 * When a post or note was created (epoch ms): the sources' own times, `mixi2EventTime` and `misskeyNoteTime`.
 *
 * @example
 * ```ts
 * withEventTime(feedInputTime, { maxLateness: 10_000 });
 * ```
 */
export function feedInputTime(input: FeedInput, arrival: number): number {
  return input.network === 'mixi2' ? mixi2EventTime(input.event, arrival) : misskeyNoteTime(input.note);
}

/** Options of {@link runTrends}. */
export interface RunTrendsOptions extends Omit<TrendsOptions, 'onLate' | 'onDropped'> {
  /** The topic the boards are published to. @default 'streamrx-trends' */
  topic?: string;
  /** Bounded out-of-orderness of each source, in ms. @default 10000 */
  maxLateness?: number;
  /** A source silent this long (ms) stops holding the windows back. @default 30000 */
  idleTimeout?: number;
  /** Told about each board published. @default none */
  onBoard?: (board: TrendBoard) => void;
  /** Clock of arrival times and idle timeouts. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Runs the recipe: mixi2 posts and Misskey home-timeline notes, each stamped with its creation time
 * (`mixi2EventTime`, `misskeyNoteTime`) and merged in event time, boards published as JSON to the topic
 * (`in` counts posts and notes, `out` publishes); `describe()` shows the latest board and how many late
 * posts were folded in (and dropped).
 *
 * @example
 * ```ts
 * const run = runTrends({ mixi2, misskey, momento }, { window: 5_000, slide: 1_000, topic: 'trends' });
 * ```
 */
export function runTrends(links: { mixi2: Mixi2Link; misskey: MisskeyLink; momento: MomentoLink }, options: RunTrendsOptions = {}): RecipeRun {
  const { mixi2, misskey, momento } = links;
  const { topic = 'streamrx-trends', maxLateness = 10_000, idleTimeout = 30_000, scheduler } = options;
  const meter = new Meter();
  let late = 0;
  let dropped = 0;
  let last: TrendBoard | undefined;
  const timing = { maxLateness, idleTimeout, ...(scheduler ? { scheduler } : {}) };
  const mixi2$ = mixi2.events$.pipe(
    filter(isPostCreated),
    map((event): FeedInput => ({ network: 'mixi2', event })),
    withEventTime(feedInputTime, timing),
  );
  const misskey$ = misskey.channel('homeTimeline').pipe(
    filter((message) => message.type === 'note'),
    map((message): FeedInput => ({ network: 'misskey', note: message.body })),
    withEventTime(feedInputTime, timing),
  );
  const pipeline$ = mergeEventTime<FeedInput>(mixi2$, misskey$).pipe(
    tap((element) => element.type === 'event' && meter.add('in')),
    trendsHandler({ ...options, onLate: () => late++, onDropped: () => dropped++ }),
    tap((board) => {
      last = board;
      options.onBoard?.(board);
    }),
    map((board) => JSON.stringify(board)),
    momento.publish<string>(topic),
    tap(() => meter.add('out')),
  );
  return startRecipeRun('trends', meter, pipeline$, {
    reconnects: [mixi2.reconnects$, misskey.reconnects$, momento.reconnects$],
    gaps: [mixi2.gaps$, misskey.gaps$, momento.gaps$],
    describe: () => `late posts folded in ${late}, dropped ${dropped}${last ? `; ${describeBoard(last)}` : ''}`,
  });
}

/**
 * A one-line view of a board.
 *
 * @example
 * ```ts
 * describeBoard({ start: 0, end: 5_000, top: [{ tag: '#rxjs', count: 3 }], kind: 'onTime' }); // 'window …: #rxjs 3'
 * ```
 */
export function describeBoard(board: TrendBoard): string {
  const window = `${new Date(board.start).toISOString().slice(11, 19)}–${new Date(board.end).toISOString().slice(11, 19)}`;
  return `window ${window}${board.kind === 'update' ? ' (updated)' : ''}: ${board.top.map((t) => `${t.tag} ${t.count}`).join(', ')}`;
}

/**
 * The recipe as a program (`npx tsx recipes/trends.ts`): options of `runRecipes`. With the emulators'
 * synthetic traffic, windows of 5 s every 1 s (the traffic is seconds long, not hours).
 *
 * @example
 * ```ts
 * await runRecipes({ ...trendsMain(), duration: 10 });
 * ```
 */
export function trendsMain(env: Env = process.env): RunRecipesOptions {
  return {
    title: 'Recipe 7: trends across networks',
    services: ['mixi2', 'misskey', 'momento'],
    env,
    start: (connections) => [runTrends({ mixi2: connections.mixi2!, misskey: connections.misskey!, momento: connections.momento! }, { ...demoTrendsOptions, topic: `${connections.momentoNames.topic}-trends` })],
  };
}

/**
 * The trends recipe scaled to the demo's seconds of synthetic traffic: 5 s windows every second, 0.5 s
 * of out-of-orderness, 3 s of allowed lateness, sources idle after 1 s.
 *
 * @example
 * ```ts
 * runTrends(links, { ...demoTrendsOptions, topic: 'trends' });
 * ```
 */
export const demoTrendsOptions: Readonly<RunTrendsOptions> = Object.freeze({ window: 5_000, slide: 1_000, maxLateness: 500, allowedLateness: 3_000, idleTimeout: 1_000 });

if (isMain(import.meta.url)) void runAsMain(trendsMain());
