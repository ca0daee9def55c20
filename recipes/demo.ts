/**
 * `npm start`: the streamrx demo. Starts the three emulators in-process (or uses the real services whose
 * credentials are in the environment, see recipes/README.md), feeds them synthetic traffic, and runs
 * recipes 1 (mixi2 mention reply), 3 (Misskey keyword reactions), 5 (cross-network feed over Momento), 7
 * (hashtag trends in event time, 5 s windows every second; its line tells how many late posts were folded in)
 * and 9 (chart replies: a PNG uploaded, then posted as the reply, on both networks; its line tells the uploads
 * and the waits of the clients' rate governors) and 8 (the restart-safe Misskey mention bot in a child process
 * with a file cursor store in a temporary directory: killed with SIGKILL at 35 % of the run while mentions keep
 * arriving, then restarted from the stored cursor; its line tells the mentions handled, replayed after the
 * restart, handled twice and missed) for `--duration` seconds (default 10), printing a status line
 * per second and a summary at the end.
 * Six seconds in (60 % of the run) it drops every emulator connection once, so the recovery shows in the reconnect
 * counters. Ctrl-C stops early with the summary. Exit status 0 unless a pipeline ended in error.
 *
 * Run: `npm start` or `npm start -- --duration 20`
 * @module
 */
import { runCrossFeed } from './cross-feed.js';
import { RECIPE_ENV, setting, type Env } from './environment.js';
import { runKeywordReactions } from './keyword-reactions.js';
import { runMentionReply } from './mention-reply.js';
import { runChartReply } from './chart-reply.js';
import { demoTrendsOptions, runTrends } from './trends.js';
import { misskeyServerOf, runMentionBotRestarts } from './mention-bot-restarts.js';
import { durationArg, isMain, runAsMain, type RunRecipesOptions } from './runner.js';

/**
 * Default run time of the demo, in seconds.
 * @example
 * ```ts
 * // npm start            → runs DEMO_DURATION seconds
 * // npm start -- --duration 30
 * ```
 */
export const DEMO_DURATION = 10;

/** When the demo kills its mention bot, as a fraction of the run (away from the connection drop at 60 %). */
const BOT_KILL_AT = 0.35;

/**
 * The demo as `runRecipes` options: recipes 1, 3, 5, 7, 8 and 9 on the three services, the mention bot of
 * recipe 8 killed and restarted at 35 % of `duration` seconds, a drop of every emulator connection at 60 %.
 *
 * @example
 * ```ts
 * const { exitCode } = await runRecipes({ ...demoOptions(5), write: (line) => log.push(line) });
 * ```
 */
export function demoOptions(duration: number = DEMO_DURATION, env: Env = process.env): RunRecipesOptions {
  const botUserId = setting(env, RECIPE_ENV.mixi2BotUserId);
  return {
    title: 'streamrx demo: recipes 1 (mixi2 mention reply), 3 (Misskey keyword reactions), 5 (cross-network feed via Momento), 7 (trends in event time), 8 (restart-safe mentions, killed and restarted), 9 (chart replies with an uploaded PNG)',
    services: ['mixi2', 'misskey', 'momento'],
    duration,
    dropMidRun: true,
    env,
    start: (connections) => {
      const { mixi2, misskey, momento, momentoNames } = connections;
      return [
        runMentionReply({ mixi2: mixi2! }, botUserId === undefined ? {} : { botUserId }),
        runKeywordReactions({ misskey: misskey! }),
        runCrossFeed({ mixi2: mixi2!, misskey: misskey!, momento: momento! }, { topic: momentoNames.topic }),
        runTrends({ mixi2: mixi2!, misskey: misskey!, momento: momento! }, { ...demoTrendsOptions, topic: `${momentoNames.topic}-trends` }),
        runChartReply({ mixi2: mixi2!, misskey: misskey! }, { bucketMs: 1000, ...(botUserId === undefined ? {} : { botUserId }) }),
        runMentionBotRestarts({ misskey: misskey! }, { server: misskeyServerOf(connections, env), killAfterMs: duration * 1000 * BOT_KILL_AT }),
      ];
    },
  };
}

if (isMain(import.meta.url)) {
  let duration: number | undefined;
  try {
    duration = durationArg(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
  if (process.exitCode !== 2) void runAsMain(demoOptions(duration));
}
