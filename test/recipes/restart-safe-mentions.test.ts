import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, Subject, type Subscription } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartSafeMentions } from '../../recipes/restart-safe-mentions.js';
import { fileCursorStore } from '../../src/index.js';
import { misskey, type Note } from '../../src/misskey/index.js';
import { startMisskeyEmulator, type MisskeyEmulator } from '../../src/testing/index.js';

let emulator: MisskeyEmulator;
let dir: string;
const running: Subscription[] = [];

beforeEach(async () => {
  emulator = await startMisskeyEmulator();
  dir = mkdtempSync(join(tmpdir(), 'streamrx-recipe-'));
});
afterEach(async () => {
  for (const s of running.splice(0)) s.unsubscribe();
  await emulator.close();
  // The bot's last unsubscribe may still be writing its cursor file.
  rmSync(dir, { recursive: true, force: true, maxRetries: 10 });
});

/** One run of the bot: a new client and a new store object on the same file, as after a restart. */
function startBot(handled: Subject<string>): { stop: () => Promise<void> } {
  const client = misskey({ origin: emulator.origin, token: emulator.users['admin']!.token, closeDelay: 0 });
  const store = fileCursorStore(join(dir, 'cursors.json'));
  // The recipe emits each mention once handled (and counted by orderedCommit).
  const subscription = restartSafeMentions(client, { store, handle: () => Promise.resolve() }).subscribe((note: Note) => handled.next(note.text ?? ''));
  running.push(subscription);
  // A graceful stop: unsubscribing writes the last position; closing the store waits until it is durable.
  return { stop: () => (subscription.unsubscribe(), store.close()) };
}

describe('recipe: restart-safe mention bot', () => {
  it('replays the mentions made while it was stopped, each once, and skips those before its first start', async () => {
    emulator.createNote('alice', { text: '@admin before the first start' });
    const handled = new Subject<string>();
    const seen: string[] = [];
    handled.subscribe((text) => seen.push(text));
    const handledCount = (count: number) => (seen.length >= count ? Promise.resolve() : firstValueFrom(handled.pipe(filter(() => seen.length >= count))));
    const first = startBot(handled);
    await emulator.waitFor(() => emulator.stats().channels === 1);
    emulator.createNote('alice', { text: '@admin one' });
    emulator.createNote('alice', { text: '@admin two' });
    await handledCount(2);
    await first.stop();
    await emulator.waitFor(() => emulator.stats().channels === 0);
    emulator.createNote('alice', { text: '@admin while stopped' });
    emulator.createNote('alice', { text: 'not a mention' });
    startBot(handled);
    await handledCount(3);
    emulator.createNote('alice', { text: '@admin after the restart' });
    await handledCount(4);
    expect(seen).toEqual(['@admin one', '@admin two', '@admin while stopped', '@admin after the restart']);
  });
});
