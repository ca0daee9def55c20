import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { duringOutage, reach, Rig, until } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

describe('noteUpdates() of many notes in one subscription', () => {
  it('follows each distinct note once and routes every update with its note id', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const [a, b, c] = ['a', 'b', 'c'].map((text) => emulator.createNote('admin', { text }));
    const updates = rig.record(client.noteUpdates([a!.id, b!.id, a!.id, c!.id]));
    await until(() => emulator.stats().noteSubscriptions === 3, 'three notes subscribed');
    expect(emulator.receivedOfType('subNote')).toHaveLength(3);

    emulator.react(c!.id, 'alice', '🎉');
    emulator.react(a!.id, 'alice', '👍');
    emulator.deleteNote(b!.id);
    const received = await updates.count(3);
    expect(received.map((u) => [u.id, u.type])).toEqual([
      [c!.id, 'reacted'],
      [a!.id, 'reacted'],
      [b!.id, 'deleted'],
    ]);

    rig.subscriptions.splice(0).forEach((s) => s.unsubscribe());
    await until(() => emulator.stats().noteSubscriptions === 0, 'every note unsubscribed');
    expect(emulator.receivedOfType('unsubNote')).toHaveLength(3);
  });

  it('shares a note with a single-note subscriber: leaving keeps the other one following it', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const [a, b] = ['a', 'b'].map((text) => emulator.createNote('admin', { text }));
    const many = client.noteUpdates([a!.id, b!.id]).subscribe();
    const single = rig.record(client.noteUpdates(a!.id));
    await until(() => emulator.stats().noteSubscriptions === 2, 'two notes subscribed');
    expect(emulator.receivedOfType('subNote')).toHaveLength(2);

    many.unsubscribe();
    await until(() => emulator.stats().noteSubscriptions === 1, 'b unsubscribed');
    emulator.react(a!.id, 'alice', '👍');
    expect((await single.count(1))[0]).toMatchObject({ id: a!.id, type: 'reacted' });
  });

  it('follows every note again after a reconnect', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const notes = Array.from({ length: 20 }, (_, i) => emulator.createNote('admin', { text: `n${i}` }));
    const updates = rig.record(client.noteUpdates(notes.map((n) => n.id)));
    await until(() => emulator.stats().noteSubscriptions === 20, 'twenty notes subscribed');

    await duringOutage(emulator, client, () => undefined);
    await reach(client.state$, 'open');
    await until(() => emulator.stats().noteSubscriptions === 20, 'twenty notes subscribed again');
    for (const note of notes) emulator.react(note.id, 'alice', '👍');
    const received = await updates.count(20);
    expect(new Set(received.map((u) => u.id))).toEqual(new Set(notes.map((n) => n.id)));
  });

  it('rejects an empty id, a non-string id or a non-iterable with InvalidArgumentError and follows nothing', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const note = emulator.createNote('admin', { text: 'kept' });
    for (const bad of [[note.id, ''], [note.id, 42], 42, null]) {
      const recording = rig.record(client.noteUpdates(bad as never));
      expect(await recording.done()).toBeInstanceOf(InvalidArgumentError);
    }
    expect(emulator.receivedOfType('subNote')).toHaveLength(0);
  });
});
