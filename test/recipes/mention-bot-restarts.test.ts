import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { misskeyLinkTo } from '../../recipes/connect.js';
import { runMentionBotRestarts } from '../../recipes/mention-bot-restarts.js';
import type { MisskeyLink } from '../../recipes/misskey-link.js';
import type { RecipeRun } from '../../recipes/recipe-run.js';
import { startMisskeyEmulator, type MisskeyEmulator } from '../../src/testing/index.js';
import { tinyPolicies, until } from './harness.js';

let emulator: MisskeyEmulator;
let link: MisskeyLink;

beforeEach(async () => {
  emulator = await startMisskeyEmulator();
  link = misskeyLinkTo(emulator, tinyPolicies);
});
afterEach(async () => {
  link.close();
  await emulator.close();
});

const line = (run: RecipeRun): string => run.describe?.() ?? '';
const mention = (text: string): void => void emulator.createNote('alice', { text: `@admin ${text}` });

describe('recipe 8 in the demo: the mention bot in a child process, killed with SIGKILL and restarted', () => {
  it('handles every mention made since its first start, those made while it was dead included, and misses none', async () => {
    mention('before the first start');
    const run = runMentionBotRestarts({ misskey: link }, { server: { origin: emulator.origin, token: emulator.users['admin']!.token }, killAfterMs: 0, execArgv: ['--import', 'tsx'] });
    // Killed once it has started (the cursor of its first start is stored), then forked again at once.
    await until(() => line(run).includes('killed (SIGKILL)'), 'the kill', 30_000);
    for (const text of ['while dead 1', 'while dead 2', 'while dead 3']) mention(text);
    await until(() => /handled 3,/.test(line(run)), 'the replay after the restart', 30_000);
    mention('after the restart');
    await until(() => /handled 4,/.test(line(run)), 'a live mention', 10_000);
    expect(await run.stop()).toBe('stopped');
    expect(line(run)).toMatch(/^handled 4, replayed after restart [3-9]\d*, re-handled 0, missed 0; killed \(SIGKILL\) at \d+\.\d s, restarted from the stored cursor$/);
    expect(run.counters.errors).toBe(0);
  }, 60_000);
});
