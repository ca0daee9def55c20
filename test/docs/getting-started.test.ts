import { afterEach, describe, expect, it } from 'vitest';
import { filter, lastValueFrom, mergeMap, take, tap } from 'rxjs';
import { misskey } from '../../src/misskey/index.js';
import { startMisskeyEmulator, type MisskeyEmulator } from '../../src/testing/index.js';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('Getting started guide', () => {
  let emulator: MisskeyEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
  });

  it('its first pipeline reacts to the note that mentions rxjs, then releases the socket', async () => {
    emulator = await startMisskeyEmulator();
    const client = misskey({ origin: emulator.origin, token: emulator.users.admin!.token, closeDelay: 0 });
    const reacted: string[] = [];
    const reactions = client.channel('localTimeline').pipe(
      filter((message) => message.type === 'note' && /rxjs/i.test(message.body.text ?? '')),
      mergeMap((message) =>
        client.api('notes/reactions/create', { noteId: message.body.id, reaction: '👍' }).pipe(tap(() => reacted.push(message.body.id))),
      ),
      take(1),
    );
    const done = lastValueFrom(reactions, { defaultValue: undefined });
    await until(() => emulator!.stats().channels === 1);
    emulator.createNote('alice', { text: 'nothing to see' });
    const note = emulator.createNote('alice', { text: 'I love RxJS' });
    await done;
    expect(reacted).toEqual([note.id]);
    await lastValueFrom(client.state$.pipe(filter((s) => s === 'closed'), take(1)));
    await until(() => emulator!.stats().connections === 0);
  });
});
