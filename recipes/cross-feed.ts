/**
 * Recipe 5 — cross-network feed: mixi2 posts and Misskey notes normalised into one {@link FeedItem} shape
 * and published to a Momento topic; a second pipeline consumes the topic (de-duplicating, since a retried
 * publish can arrive twice).
 *
 * Run: `npx tsx recipes/cross-feed.ts [--duration <seconds>]`
 * @module
 */
import { filter, map, merge, tap, type OperatorFunction } from 'rxjs';
import { match, P } from 'ts-pattern';
import { dedupeBy } from '../src/index.js';
import type { Note } from '../src/misskey/index.js';
import { isPostCreated, type Event, type Timestamp } from '../src/mixi2/index.js';
import type { TopicItemEvent } from '../src/momento/index.js';
import type { Env } from './environment.js';
import { Meter } from './meter.js';
import type { MisskeyLink } from './misskey-link.js';
import type { Mixi2Link } from './mixi2-link.js';
import type { MomentoLink } from './momento-link.js';
import { startRecipeRun, type RecipeRun } from './recipe-run.js';
import { isMain, runAsMain, type RunRecipesOptions } from './runner.js';

/** A post of either network, in one shape. */
export interface FeedItem {
  /** `mixi2:<postId>` or `misskey:<noteId>`: unique across both. */
  id: string;
  network: 'mixi2' | 'misskey';
  /** The author's handle (mixi2 user name, Misskey username), or their id when unknown. */
  author: string;
  text: string;
  /** ISO 8601. */
  createdAt: string;
}

/** What the feed takes in: a mixi2 event or a Misskey note, tagged with its network. */
export type FeedInput = { network: 'mixi2'; event: Event } | { network: 'misskey'; note: Note };

const MAX_TEXT = 1000;

function isoOf(timestamp: Timestamp | undefined): string {
  if (!timestamp) return new Date(0).toISOString();
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1_000_000)).toISOString();
}

/**
 * One input as a {@link FeedItem}; `undefined` for what is not a post (other mixi2 events, empty notes).
 *
 * @example
 * ```ts
 * toFeedItem({ network: 'misskey', note }); // { id: 'misskey:9x…', network: 'misskey', author: 'alice', … }
 * ```
 */
export function toFeedItem(input: FeedInput): FeedItem | undefined {
  return match(input)
    .returnType<FeedItem | undefined>()
    .with({ network: 'mixi2' }, ({ event }) => {
      if (!isPostCreated(event)) return undefined;
      const { post, issuer } = event.body.value;
      if (!post || post.isDeleted) return undefined;
      return { id: `mixi2:${post.postId}`, network: 'mixi2', author: issuer?.name || post.creatorId, text: post.text.slice(0, MAX_TEXT), createdAt: isoOf(post.createdAt) };
    })
    .with({ network: 'misskey' }, ({ note }) =>
      note.text === null && note.cw === null
        ? undefined
        : { id: `misskey:${note.id}`, network: 'misskey', author: note.user?.username ?? note.userId, text: (note.text ?? note.cw ?? '').slice(0, MAX_TEXT), createdAt: note.createdAt },
    )
    .exhaustive();
}

/**
 * The publishing handler: inputs in, JSON feed items out (once per id), ready for `publishTo`.
 *
 * @example
 * ```ts
 * merge(mixi2$, misskey$).pipe(feedPublisher(), publishTo(client, 'cache', 'feed')).subscribe();
 * ```
 */
export function feedPublisher(): OperatorFunction<FeedInput, string> {
  return (source) =>
    source.pipe(
      map(toFeedItem),
      filter((item): item is FeedItem => item !== undefined),
      dedupeBy((item) => item.id, { capacity: 10_000 }),
      map((item) => JSON.stringify(item)),
    );
}

/**
 * Parses one published value back into a {@link FeedItem}; `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseFeedItem('{"id":"mixi2:p1","network":"mixi2","author":"alice","text":"hi","createdAt":"2026-01-01T00:00:00.000Z"}');
 * ```
 */
export function parseFeedItem(value: string | Uint8Array): FeedItem | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : new TextDecoder().decode(value));
  } catch {
    return undefined;
  }
  return match(parsed)
    .with(
      { id: P.string, network: P.union('mixi2', 'misskey'), author: P.string, text: P.string, createdAt: P.string },
      ({ id, network, author, text, createdAt }): FeedItem => ({ id, network, author, text, createdAt }),
    )
    .otherwise(() => undefined);
}

/**
 * The consuming handler: topic items in, feed items out, malformed values skipped and repeats (a retried
 * publish) dropped.
 *
 * @example
 * ```ts
 * topicItems(client, 'cache', 'feed').pipe(feedReader()).subscribe((item) => console.log(item.network, item.text));
 * ```
 */
export function feedReader(): OperatorFunction<TopicItemEvent, FeedItem> {
  return (source) =>
    source.pipe(
      map((item) => parseFeedItem(item.value)),
      filter((item): item is FeedItem => item !== undefined),
      dedupeBy((item) => item.id, { capacity: 10_000 }),
    );
}

/** Options of {@link runCrossFeed}. */
export interface RunCrossFeedOptions {
  /** The topic of the feed. @default 'streamrx-feed' */
  topic?: string;
  /** Told about every item the reader consumes. @default none */
  onItem?: (item: FeedItem) => void;
}

/**
 * Runs both pipelines: mixi2 posts and Misskey home-timeline notes published to the topic (`in` counts
 * inputs, `out` publishes), and a reader of the topic (`describe()` shows what it consumed).
 *
 * @example
 * ```ts
 * const run = runCrossFeed({ mixi2, misskey, momento }, { topic: 'feed' });
 * ```
 */
export function runCrossFeed(links: { mixi2: Mixi2Link; misskey: MisskeyLink; momento: MomentoLink }, options: RunCrossFeedOptions = {}): RecipeRun {
  const { mixi2, misskey, momento } = links;
  const topic = options.topic ?? 'streamrx-feed';
  const meter = new Meter();
  let consumed = 0;
  let last: FeedItem | undefined;
  const inputs$ = merge(
    mixi2.events$.pipe(filter(isPostCreated), map((event): FeedInput => ({ network: 'mixi2', event }))),
    misskey.channel('homeTimeline').pipe(map((message): FeedInput => ({ network: 'misskey', note: message.body }))),
  );
  const reader$ = momento.events(topic).pipe(
    filter((event): event is TopicItemEvent => event.type === 'item'),
    feedReader(),
    tap((item) => {
      consumed += 1;
      last = item;
      options.onItem?.(item);
    }),
  );
  const publisher$ = inputs$.pipe(tap(() => meter.add('in')), feedPublisher(), momento.publish<string>(topic), tap(() => meter.add('out')));
  return startRecipeRun('cross-feed', meter, merge(reader$, publisher$), {
    reconnects: [mixi2.reconnects$, misskey.reconnects$, momento.reconnects$],
    gaps: [mixi2.gaps$, misskey.gaps$, momento.gaps$],
    describe: () => `consumed ${consumed} from topic ${topic}${last ? `; last: ${last.network} @${last.author}: ${last.text.slice(0, 40)}` : ''}`,
  });
}

/**
 * The recipe as a program (`npx tsx recipes/cross-feed.ts`): options of `runRecipes`.
 *
 * @example
 * ```ts
 * await runRecipes({ ...crossFeedMain(), duration: 10 });
 * ```
 */
export function crossFeedMain(env: Env = process.env): RunRecipesOptions {
  return {
    title: 'Recipe 5: cross-network feed',
    services: ['mixi2', 'misskey', 'momento'],
    env,
    start: (connections) => [runCrossFeed({ mixi2: connections.mixi2!, misskey: connections.misskey!, momento: connections.momento! }, { topic: connections.momentoNames.topic })],
  };
}

if (isMain(import.meta.url)) void runAsMain(crossFeedMain());
