import { describe, expect, it } from 'vitest';
import { chartReplyMain } from '../../recipes/chart-reply.js';
import { chatCommandsMain } from '../../recipes/chat-commands.js';
import { crossFeedMain } from '../../recipes/cross-feed.js';
import { keywordReactionsMain } from '../../recipes/keyword-reactions.js';
import { liveReactionsMain } from '../../recipes/live-reactions.js';
import { mentionReplyMain } from '../../recipes/mention-reply.js';
import { runRecipes, type RunRecipesOptions } from '../../recipes/runner.js';
import { trendsMain } from '../../recipes/trends.js';
import { webhookReceiverMain } from '../../recipes/webhook-receiver.js';
import type { RecipeRun } from '../../recipes/recipe-run.js';
import { tinyPolicies, until } from './harness.js';

const mains: ReadonlyArray<[string, RunRecipesOptions]> = [
  ['mention-reply', mentionReplyMain({})],
  ['chat-commands', chatCommandsMain({})],
  ['keyword-reactions', keywordReactionsMain({})],
  ['live-reactions', liveReactionsMain({})],
  ['cross-feed', crossFeedMain({})],
  ['webhook-receiver', webhookReceiverMain({}, () => undefined)],
  ['trends', trendsMain({})],
  ['chart-reply', chartReplyMain({})],
];

describe('each recipe main, as `npx tsx recipes/<file>.ts` runs it (in-process, no credentials)', () => {
  it('runs on its own emulators with synthetic traffic, moves events in and out, and ends cleanly', async () => {
    const outcomes = await Promise.all(
      mains.map(async ([name, main]) => {
        const lines: string[] = [];
        const stop = new AbortController();
        let runs: RecipeRun[] = [];
        const running = runRecipes({
          ...main,
          traffic: main.traffic === false ? false : { every: 40 },
          duration: 60,
          policies: tinyPolicies,
          signal: stop.signal,
          write: (line) => lines.push(line),
          start: (connections) => (runs = main.start(connections)),
        });
        await until(() => runs.length === 1 && runs[0]!.counters.out > 0, `${name} to move events out`, 20_000).finally(() => stop.abort());
        return { name, outcome: await running, lines };
      }),
    );
    for (const { name, outcome, lines } of outcomes) {
      expect({ name, exitCode: outcome.exitCode, status: outcome.runs.map((r) => r.status) }).toEqual({ name, exitCode: 0, status: ['stopped'] });
      const run = outcome.runs[0]!;
      expect(run.name).toBe(name);
      expect(run.counters.in, `${name} in`).toBeGreaterThan(0);
      expect(run.counters.out, `${name} out`).toBeGreaterThan(0);
      expect(run.counters.errors, `${name} errors`).toBe(0);
      expect(lines).toContain('stopped: aborted');
    }
  });
});
