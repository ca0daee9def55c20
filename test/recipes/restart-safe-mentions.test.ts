import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartSafeMentions } from '../../recipes/restart-safe-mentions.js';
import { fileCursorStore } from '../../src/index.js';
import { misskey, type Note } from '../../src/misskey/index.js';
import { startMisskeyEmulator, type MisskeyEmulator } from '../../src/testing/index.js';

let emulator: MisskeyEmulator;
let dir: string;
const running: Array<() => Promise<void>> = [];

beforeEach(async () => {
  emulator = await startMisskeyEmulator();
  dir = mkdtempSync(join(tmpdir(), 'streamrx-recipe-'));
});
afterEach(async () => {
  // Each bot's last unsubscribe writes its cursor file: wait until that is durable before removing it.
  await Promise.all(running.splice(0).map((stop) => stop()));
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One run of the bot: a new client and a new store object on the same file, as after a restart. */
function startBot(handled: Subject<string>): { stop: () => Promise<void> } {
  const client = misskey({ origin: emulator.origin, token: emulator.users['admin']!.token, closeDelay: 0 });
  const store = fileCursorStore(join(dir, 'cursors.json'));
  // The recipe emits each mention once handled (and counted by orderedCommit).
  const subscription = restartSafeMentions(client, { store, handle: () => Promise.resolve() }).subscribe((note: Note) => handled.next(note.text ?? ''));
  // A graceful stop: unsubscribing writes the last position; closing the store waits until it is durable.
  const stop = (): Promise<void> => (subscription.unsubscribe(), store.close());
  running.push(stop);
  return { stop };
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
