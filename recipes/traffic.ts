import { EventReason } from '../src/mixi2/index.js';
import { buildChatMessageReceivedEvent, buildMixi2Post, buildMixi2User, buildPostCreatedEvent, mixi2Timestamp } from '../src/testing/index.js';
import type { RecipeEmulators } from './emulators.js';
import { misskeyCast } from './emulators.js';

/** Options of {@link startTraffic}. */
export interface TrafficOptions {
  /** Time between two rounds of traffic, in ms. @default 250 */
  every?: number;
}

/** Running synthetic traffic. */
export interface Traffic {
  /** Rounds sent so far. */
  readonly rounds: number;
  stop(): void;
}

const mentions = [
  '@bot おはよう！今日もよろしく',
  '@bot what does streamrx do when the stream drops? #streamrx',
  '@bot 猫の写真を見て 🐈 #猫',
  '@bot is the reconnect policy configurable? #rxjs #streamrx',
  '@bot thanks for the quick reply yesterday',
  '@bot ping',
];
const communityPosts = ['今日のランチはカレー 🍛 #lunch', 'New photos in the Cats community #猫 #cats', 'Weekend hiking plans anyone? #hiking', 'Release notes are up #streamrx'];
const chats = ['/help', '/ping', '/echo hello there', '/time', '/dice 2d6', 'hi bot'];
const notes = [
  'Just shipped a new release of streamrx 🎉 #streamrx',
  'My cat knocked the coffee over again #cats',
  'Anyone tried rxjs marble tests for their bots? #rxjs #testing',
  'good morning fediverse ☀️',
  'Reading about exponential backoff with jitter',
  'Lunch: ramen. No regrets. #lunch',
  '猫がキーボードの上で寝ている #猫',
  'The train is late again #commute',
];

const crowdReactions = ['👍', '❤️', '😆', '🐱'];

/** Commands of the chart recipe (9), after the mention of the bot: numbers to chart, or none for its activity. */
const chartCommands = ['/chart 3 1 4 1 5 9 2 6', '/chart', '/chart 2, 7, 1, 8, 2, 8'];

const mixi2Users = ['alice', 'bob', 'carol', 'dave'].map((name) => buildMixi2User({ userId: `user-${name}`, name, displayName: name[0]!.toUpperCase() + name.slice(1) }));

const pick = <T>(items: readonly T[], round: number): T => items[round % items.length]!;

/** How far behind some posts and notes are created: a slow client, a federated note (they arrive out of order). */
const LAGGING_MS = 1500;
const createdBefore = (ms: number): number => Date.now() - ms;

/**
 * Feeds the emulators realistic traffic every `every` ms: mixi2 mentions and community posts (with the
 * posts stored, so replies to them succeed) and now and then a chat message; Misskey notes from the people
 * the bot follows, some with the keywords the reaction recipe looks for, and reactions to the previous note.
 * Many carry hashtags; every fifth post and sixth note was created 1.5 s before it is sent, so it arrives
 * out of order (late, in event time). Every other round a Misskey note mentions the bot (`@admin`), for the
 * mention bots. Every eighth round also mentions the bot with a `/chart` command on both networks.
 *
 * @example
 * ```ts
 * const traffic = startTraffic(emulators, { every: 200 });
 * traffic.stop();
 * ```
 */
export function startTraffic(emulators: RecipeEmulators, options: TrafficOptions = {}): Traffic {
  const { every = 250 } = options;
  let rounds = 0;
  let previousNoteId: string | undefined;
  const round = (): void => {
    const n = rounds++;
    const { mixi2, misskey } = emulators;
    if (mixi2) {
      const issuer = pick(mixi2Users, n);
      const mention = n % 2 === 0;
      const createdAt = mixi2Timestamp(createdBefore(n % 5 === 4 ? LAGGING_MS : 0));
      const post = mixi2.store.addPost(buildMixi2Post({ creatorId: issuer.userId, text: mention ? pick(mentions, n / 2) : pick(communityPosts, (n - 1) / 2), createdAt }));
      const reasons = mention ? [EventReason.EVENT_REASON_POST_MENTIONED] : [EventReason.EVENT_REASON_POST_COMMUNITY];
      mixi2.push(buildPostCreatedEvent(post, { issuer, reasons }));
      if (n % 4 === 3) mixi2.push(buildChatMessageReceivedEvent({ text: pick(chats, n), roomId: `room-${issuer.name}` }, { issuer }));
      if (n % 8 === 1) {
        const command = mixi2.store.addPost(buildMixi2Post({ creatorId: issuer.userId, text: `@bot ${pick(chartCommands, n >> 3)}` }));
        mixi2.push(buildPostCreatedEvent(command, { issuer, reasons: [EventReason.EVENT_REASON_POST_MENTIONED] }));
      }
    }
    if (misskey) {
      if (previousNoteId !== undefined) misskey.react(previousNoteId, pick(misskeyCast, n + 2), pick(crowdReactions, n));
      const createdAt = new Date(createdBefore(n % 6 === 5 ? LAGGING_MS : 0)).toISOString();
      previousNoteId = misskey.createNote(pick(misskeyCast, n), { text: pick(notes, n), createdAt }).id;
      if (n % 8 === 1) misskey.createNote(pick(misskeyCast, n + 1), { text: `@admin ${pick(chartCommands, (n >> 3) + 1)}` });
      if (n % 2 === 0) misskey.createNote(pick(misskeyCast, n + 3), { text: pick(mentions, n / 2).replace('@bot', '@admin') });
    }
  };
  const timer = setInterval(round, every);
  return {
    get rounds() {
      return rounds;
    },
    stop: () => clearInterval(timer),
  };
}
