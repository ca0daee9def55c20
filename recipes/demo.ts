/**
 * `npm start`: the streamrx demo. Starts the three emulators in-process (or uses the real services whose
 * credentials are in the environment, see recipes/README.md), feeds them synthetic traffic, and runs
 * recipes 1 (mixi2 mention reply), 3 (Misskey keyword reactions) and 5 (cross-network feed over Momento)
 * for `--duration` seconds (default 10), printing a status line per second and a summary at the end.
 * Halfway through it drops every emulator connection once, so the recovery shows in the reconnect
 * counters. Ctrl-C stops early with the summary. Exit status 0 unless a pipeline ended in error.
 *
 * Run: `npm start` or `npm start -- --duration 20`
 * @module
 */
import { runCrossFeed } from './cross-feed.js';
import { RECIPE_ENV, setting } from './environment.js';
import { runKeywordReactions } from './keyword-reactions.js';
import { runMentionReply } from './mention-reply.js';
import { durationArg, runAsMain } from './runner.js';

/**
 * Default run time of the demo, in seconds.
 * @example
 * ```ts
 * // npm start            → runs DEMO_DURATION seconds
 * // npm start -- --duration 30
 * ```
 */
export const DEMO_DURATION = 10;

function demoDuration(): number {
  try {
    return durationArg(process.argv.slice(2)) ?? DEMO_DURATION;
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

const botUserId = setting(process.env, RECIPE_ENV.mixi2BotUserId);

void runAsMain({
  title: 'streamrx demo: recipes 1 (mixi2 mention reply), 3 (Misskey keyword reactions), 5 (cross-network feed via Momento)',
  services: ['mixi2', 'misskey', 'momento'],
  duration: demoDuration(),
  dropHalfway: true,
  start: ({ mixi2, misskey, momento, momentoNames }) => [
    runMentionReply({ mixi2: mixi2! }, botUserId === undefined ? {} : { botUserId }),
    runKeywordReactions({ misskey: misskey! }),
    runCrossFeed({ mixi2: mixi2!, misskey: misskey!, momento: momento! }, { topic: momentoNames.topic }),
  ],
});
