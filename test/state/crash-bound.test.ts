import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { asyncScheduler, concatMap, map, range, timer } from 'rxjs';
import { orderedCommit } from '../../src/index.js';
import { virtualStore } from './virtual-store.js';

/** A small deterministic PRNG, so a failing seed can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface CrashOutcome {
  started: Set<number>;
  completed: Set<number>;
  committed: number;
}

/** Runs 2000 events through orderedCommit with random handler times and a slow store, and "crashes" at `crashAt`. */
function runUntilCrash(seed: number, crashAt: number, concurrency: number, commitEvery: number): CrashOutcome {
  const next = random(seed);
  const outcome: CrashOutcome = { started: new Set(), completed: new Set(), committed: -1 };
  new TestScheduler(() => undefined).run(({ flush }) => {
    const store = virtualStore(1 + Math.floor(next() * 8));
    const handler = (index: number) => {
      outcome.started.add(index);
      return timer(Math.floor(next() * 40)).pipe(map(() => outcome.completed.add(index)));
    };
    const subscription = range(0, 2000)
      .pipe(concatMap((i) => timer(1).pipe(map(() => i))), orderedCommit(handler, { store, key: 'k', position: (i) => i, concurrency, commitEvery, maxUncommitted: 2 * commitEvery, commitInterval: 30 }))
      .subscribe();
    // A crash: what was durable at that instant is all a restarted process reads; nothing after it runs.
    asyncScheduler.schedule(() => {
      outcome.committed = (store.durable.get('k') as number | undefined) ?? -1;
      subscription.unsubscribe();
    }, crashAt);
    flush();
  });
  return outcome;
}

describe('orderedCommit after a crash', () => {
  it('handles again at most concurrency + maxUncommitted events, and never skips one', () => {
    const concurrency = 16;
    const commitEvery = 20;
    const bound = concurrency + 2 * commitEvery;
    let most = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const crashAt = 50 + ((seed * 97) % 1900);
      const { started, completed, committed } = runUntilCrash(seed, crashAt, concurrency, commitEvery);
      // Every event up to the committed position was handled: a restart after it skips nothing.
      for (let i = 0; i <= committed; i++) expect(completed.has(i), `seed ${seed}: event ${i} committed but not handled`).toBe(true);
      // A restart resumes after `committed`: every event started after it is handled again.
      const handledAgain = [...started].filter((i) => i > committed).length;
      expect(handledAgain, `seed ${seed}`).toBeLessThanOrEqual(bound);
      most = Math.max(most, handledAgain);
    }
    // The bound is approached, so the measure is real.
    expect(most).toBeGreaterThan(concurrency);
  });
});
