/**
 * Proofs with real processes: a restart-safe Misskey mention bot and a resuming fan-out worker are each
 * killed with SIGKILL at random points while events flow, and restarted, 5 times; the emulators run in a
 * process of their own. Every event is handled at least once, and each restart handles again at most the
 * bound orderedCommit states (concurrency + maxUncommitted, here 2 × commitEvery). A file store is killed mid-write 5 times and
 * never read back corrupt or behind a write it acknowledged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleChildren, Child, killAllChildren, removeBundles, runningChildren, type ChildMessage } from './child.js';

const CONCURRENCY = 4;
const COMMIT_EVERY = 5;
const BOUND = CONCURRENCY + 2 * COMMIT_EVERY;
const EVENTS = 400;
const KILLS = 5;

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'streamrx-restarts-'));
  await bundleChildren(['restart-emulators-process.ts', 'restart-bot-process.ts', 'restart-worker-process.ts', 'cursor-writer-process.ts']);
}, 30_000);
afterAll(() => {
  removeBundles();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await killAllChildren();
  expect(runningChildren()).toBe(0);
});

/** What the runs of one consumer handled: per run, and how often each id over all runs. */
class Tally {
  readonly runs: string[][] = [];
  readonly times = new Map<string, number>();
  readonly failures: string[] = [];
  private readonly waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  record(run: number, message: ChildMessage): void {
    if (message.type === 'failed') this.failures.push(String(message.error));
    if (message.type !== 'handled') return;
    const id = String(message.id);
    (this.runs[run] ??= []).push(id);
    this.times.set(id, (this.times.get(id) ?? 0) + 1);
    for (const waiter of this.waiters.slice()) {
      if (!waiter.check()) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  /** Resolves once `count` distinct ids were handled (re-checked on every report, no polling). */
  distinct(count: number): Promise<void> {
    const check = () => this.times.size >= count;
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  /** Per restart: how many ids it handled that an earlier run had handled already. */
  handledAgain(): number[] {
    const seen = new Set<string>();
    return this.runs.map((ids) => {
      const again = new Set(ids.filter((id) => seen.has(id))).size;
      for (const id of ids) seen.add(id);
      return again;
    });
  }
}

/** Kills and restarts `start`'s consumer at random points of the flow, then waits for every event. */
async function killAndRestart(kind: 'mentions' | 'items', script: string, extraEnv: (ready: ChildMessage) => Record<string, string>): Promise<Tally> {
  const emulators = new Child('restart-emulators-process.ts', {});
  const ready = await emulators.next((m) => m.type === 'ready');
  const tally = new Tally();
  const cursorFile = join(dir, `${kind}.json`);
  const env = { CURSOR_FILE: cursorFile, CONCURRENCY: String(CONCURRENCY), COMMIT_EVERY: String(COMMIT_EVERY), ...extraEnv(ready) };
  const start = (run: number): Child => {
    const consumer = new Child(script, env);
    consumer.onMessage((message) => tally.record(run, message));
    return consumer;
  };
  let consumer = start(0);
  emulators.send({ type: 'wait-listener', kind });
  await emulators.next((m) => m.type === 'listening');
  const flowed = emulators.next((m) => m.type === 'flowed');
  // Before its first commit a consumer has no cursor and would restart from the newest events.
  const firstCommit = consumer.next((m) => m.type === 'committed');
  emulators.send({ type: 'flow', kind, count: EVENTS });
  await firstCommit;
  for (let kill = 1; kill <= KILLS; kill++) {
    const at = Math.floor((EVENTS * (kill - 1 + Math.random())) / (KILLS + 1)) + 1;
    await tally.distinct(at);
    await consumer.kill();
    consumer = start(kill);
  }
  const produced = (await flowed).ids as string[];
  await tally.distinct(produced.length);
  expect(tally.failures).toEqual([]);
  expect(produced).toHaveLength(EVENTS);
  // At least once, none skipped.
  expect(produced.filter((id) => !tally.times.has(id))).toEqual([]);
  await consumer.kill();
  await emulators.kill();
  return tally;
}

describe('restarts with SIGKILL while events flow (real processes)', () => {
  it('a Misskey mention bot resumes its notifications from the file store: nothing skipped, re-handled within the bound', async () => {
    const tally = await killAndRestart('mentions', 'restart-bot-process.ts', (ready) => ({ MISSKEY_ORIGIN: String(ready.misskeyOrigin), MISSKEY_TOKEN: String(ready.token) }));
    expect(tally.runs.length).toBe(KILLS + 1);
    for (const again of tally.handledAgain()) expect(again).toBeLessThanOrEqual(BOUND);
  }, 60_000);

  it('a fan-out worker resumes its topic at the stored sequence number: nothing skipped, re-handled within the bound', async () => {
    const tally = await killAndRestart('items', 'restart-worker-process.ts', (ready) => ({ MOMENTO_LOCAL_ENDPOINT: String(ready.momentoEndpoint), TOPIC: String(ready.topic) }));
    expect(tally.runs.length).toBe(KILLS + 1);
    for (const again of tally.handledAgain()) expect(again).toBeLessThanOrEqual(BOUND);
  }, 60_000);

  it('a file store killed in the middle of writes is never corrupt nor behind an acknowledged write', async () => {
    const cursorFile = join(dir, 'writer.json');
    let acknowledged = 0;
    for (let kill = 1; kill <= KILLS; kill++) {
      const writer = new Child('cursor-writer-process.ts', { CURSOR_FILE: cursorFile });
      const started = await writer.next((m) => m.type === 'started');
      expect(Number(started.from)).toBeGreaterThan(acknowledged);
      const target = Number(started.from) + 20 + Math.floor(Math.random() * 200);
      writer.onMessage((m) => {
        if (m.type === 'durable') acknowledged = Math.max(acknowledged, Number(m.value));
      });
      await writer.next((m) => m.type === 'durable' && Number(m.value) >= target);
      await writer.kill();
      const stored = JSON.parse(readFileSync(cursorFile, 'utf8')) as { positions: { counter: number } };
      expect(stored.positions.counter).toBeGreaterThanOrEqual(acknowledged);
    }
  }, 60_000);
});
