import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { reach, Rig, until } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

describe('noteUpdates()', () => {
  it('sends one subNote however many subscribers, and one unsubNote when the last leaves', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const note = emulator.createNote('admin', { text: 'followed', poll: { choices: ['yes', 'no'] } });
    const subscribers = Array.from({ length: 5 }, () => client.noteUpdates(note.id).subscribe());
    const watched = rig.record(client.noteUpdates(note.id));
    await until(() => emulator.stats().noteSubscriptions === 1, 'note subscribed');
    expect(emulator.receivedOfType('subNote')).toHaveLength(1);
    expect(emulator.stats().noteReferences).toBe(1);

    emulator.react(note.id, 'alice', '👍');
    emulator.unreact(note.id, 'alice');
    emulator.vote(note.id, 'alice', 1);
    emulator.updateNote(note.id, 'edited');
    emulator.deleteNote(note.id);
    const updates = await watched.count(5);
    expect(updates.map((u) => u.type)).toEqual(['reacted', 'unreacted', 'pollVoted', 'updated', 'deleted']);
    expect(updates[0]).toEqual({ id: note.id, type: 'reacted', body: { reaction: '👍', emoji: null, userId: emulator.users['alice']?.id } });

    for (const s of subscribers) s.unsubscribe();
    expect(emulator.receivedOfType('unsubNote')).toHaveLength(0);
    rig.subscriptions.splice(0).forEach((s) => s.unsubscribe());
    await until(() => emulator.stats().noteSubscriptions === 0, 'note unsubscribed');
    expect(emulator.receivedOfType('unsubNote')).toHaveLength(1);
  });

  it('routes updates of many notes to their own subscribers', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const notes = Array.from({ length: 50 }, (_, i) => emulator.createNote('admin', { text: `n${i}` }));
    const recordings = notes.map((n) => rig.record(client.noteUpdates(n.id)));
    await until(() => emulator.stats().noteSubscriptions === 50, '50 notes subscribed');
    notes.forEach((n, i) => emulator.react(n.id, i % 2 ? 'alice' : 'admin', `r${i}`));
    for (const [i, recording] of recordings.entries()) {
      const [update] = await recording.count(1);
      expect(update).toMatchObject({ id: notes[i]?.id, type: 'reacted', body: { reaction: `r${i}` } });
    }
    expect(recordings.every((r) => r.values.length === 1)).toBe(true);
  });

  it('rejects an empty note id with InvalidArgumentError', async () => {
    const emulator = await rig.emulator();
    const recording = rig.record(rig.client(emulator).noteUpdates(''));
    expect(await recording.done()).toBeInstanceOf(InvalidArgumentError);
  });

  it('uses capture/decapture and note-updated on the legacy protocol', async () => {
    const emulator = await rig.emulator({ protocol: 'legacy' });
    const client = rig.client(emulator, { protocol: 'legacy' });
    const note = emulator.createNote('admin', { text: 'old school' });
    const a = rig.record(client.noteUpdates(note.id));
    const b = rig.record(client.noteUpdates(note.id));
    await until(() => emulator.stats().captures === 1, 'captured');
    expect(emulator.receivedOfType('capture')).toEqual([{ type: 'capture', id: note.id }]);
    emulator.react(note.id, 'alice', '🎉');
    const [update] = await a.count(1);
    await b.count(1);
    expect(update).toMatchObject({ id: note.id, type: 'snapshot', body: { note: { id: note.id, reactions: { '🎉': 1 } } } });
    rig.subscriptions.splice(0).forEach((s) => s.unsubscribe());
    await until(() => emulator.stats().captures === 0, 'decaptured');
    expect(emulator.receivedOfType('decapture')).toEqual([{ type: 'decapture', id: note.id }]);
    await reach(client.state$, 'closed');
  });
});

describe('broadcasts()', () => {
  it('delivers emoji and announcement broadcasts', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const broadcasts = rig.record(client.broadcasts());
    await reach(client.state$, 'open');
    emulator.broadcast('emojiAdded', { emoji: { name: 'blob' } });
    emulator.broadcast('announcementCreated', { announcement: { id: 'a1' } });
    const messages = await broadcasts.count(2);
    expect(messages).toEqual([
      { type: 'emojiAdded', body: { emoji: { name: 'blob' } } },
      { type: 'announcementCreated', body: { announcement: { id: 'a1' } } },
    ]);
  });
});
