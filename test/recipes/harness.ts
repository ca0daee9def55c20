import { expect } from 'vitest';
import type { EmulatorPolicies } from '../../recipes/connect.js';
import { startRecipeEmulators, type RecipeEmulators } from '../../recipes/emulators.js';
import type { SourceName } from '../../recipes/meter.js';
import type { RecipeRun } from '../../recipes/recipe-run.js';
import type { SourceLink } from '../../recipes/source-link.js';

/** Tiny reconnect policies: the recipes' recoveries take milliseconds, never a wall-clock second. */
export const tinyPolicies: EmulatorPolicies = {
  mixi2: { initialDelay: 5, multiplier: 2, maxDelay: 20, maxRetries: 5 },
  misskey: { initialDelay: 5, multiplier: 2, maxDelay: 20 },
  momento: { initialDelay: 5, maxDelay: 20 },
  momentoResubscribeDelayMs: 5,
  misskeyCloseDelay: 5,
};

/** Deep equality with vitest's diff, for `marbles()`. */
export const vitestEqual = { assertDeepEqual: (actual: unknown, expected: unknown) => expect(actual).toEqual(expected) };

/** Resolves once `predicate` holds, checking every couple of milliseconds (event-driven enough, no fixed sleep). */
export async function until(predicate: () => boolean, what = 'condition', limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Emulators, links and runs of one test, released (and checked for leftovers) by `dispose`. */
export class RecipeBed {
  emulators: RecipeEmulators | undefined;
  readonly links: SourceLink[] = [];
  readonly runs: RecipeRun[] = [];

  async start(services: readonly SourceName[]): Promise<RecipeEmulators> {
    this.emulators = await startRecipeEmulators(services);
    return this.emulators;
  }

  link<L extends SourceLink>(link: L): L {
    this.links.push(link);
    return link;
  }

  run(run: RecipeRun): RecipeRun {
    this.runs.push(run);
    return run;
  }

  async dispose(): Promise<void> {
    for (const run of this.runs.splice(0)) await run.stop();
    for (const link of this.links.splice(0)) link.close();
    const emulators = this.emulators;
    this.emulators = undefined;
    if (!emulators) return;
    try {
      await until(() => (emulators.mixi2?.stats().openStreams ?? 0) === 0, 'every mixi2 event stream to close');
      await until(() => (emulators.misskey?.stats().connections ?? 0) === 0, 'Misskey sockets to close');
      await emulators.momento?.waitFor(() => emulators.momento?.stats().openStreams === 0, 'Momento streams to close');
    } finally {
      await emulators.close();
    }
  }
}
