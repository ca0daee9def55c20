import { afterEach, describe, expect, it } from 'vitest';
import { misskeyLinkTo } from '../../recipes/connect.js';
import { applyUpdate, describeBoard, liveReactionsHandler, runLiveReactions, type LiveBoard, type LiveNote } from '../../recipes/live-reactions.js';
import type { NoteUpdate } from '../../src/misskey/index.js';
import { marbles } from '../../src/testing/index.js';
import { RecipeBed, tinyPolicies, until, vitestEqual } from './harness.js';
import { note } from './notes.js';

const live = (id: string, text: string, reactions: Record<string, number> = {}): LiveNote => ({ id, text, reactions });
const reacted = (id: string, reaction: string): NoteUpdate => ({ id, type: 'reacted', body: { reaction, userId: 'u-bob' } });
const unreacted = (id: string, reaction: string): NoteUpdate => ({ id, type: 'unreacted', body: { reaction, userId: 'u-bob' } });

describe('applyUpdate', () => {
  it('counts reactions up and down and follows edits', () => {
    const start = live('n', 'hi', { '👍': 1 });
    expect(applyUpdate(start, reacted('n', '👍'))).toEqual(live('n', 'hi', { '👍': 2 }));
    expect(applyUpdate(start, unreacted('n', '👍'))).toEqual(live('n', 'hi'));
    expect(applyUpdate(start, { id: 'n', type: 'updated', body: { cw: null, text: 'edited' } })).toEqual(live('n', 'edited', { '👍': 1 }));
    expect(applyUpdate(start, { id: 'n', type: 'pollVoted', body: { choice: 0, userId: 'u' } })).toBe(start);
  });
});

describe('liveReactionsHandler (marbles)', () => {
  it('follows only the latest `keep` notes and releases the oldest when a newer one arrives', () =>
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const updates = { n1: cold<NoteUpdate>('--r', { r: reacted('n1', '👍') }), n2: cold<NoteUpdate>('---r', { r: reacted('n2', '❤️') }), n3: cold<NoteUpdate>('-') };
      const handler = liveReactionsHandler({ keep: 2, follow: (id) => updates[id as keyof typeof updates] });
      const source = cold('a--b---c', { a: note('n1', 'one'), b: note('n2', 'two'), c: note('n3', 'three') });
      const boards: Record<string, LiveBoard> = {
        a: [live('n1', 'one')],
        b: [live('n1', 'one', { '👍': 1 })],
        c: [live('n2', 'two'), live('n1', 'one', { '👍': 1 })],
        d: [live('n2', 'two', { '❤️': 1 }), live('n1', 'one', { '👍': 1 })],
        e: [live('n3', 'three'), live('n2', 'two', { '❤️': 1 }), live('n1', 'one', { '👍': 1 })],
        f: [live('n3', 'three'), live('n2', 'two', { '❤️': 1 })],
      };
      expectObservable(source.pipe(handler), '^ 20ms !').toBe('a-bc--d(ef)', boards);
      expectSubscriptions(updates.n1.subscriptions).toBe('^------!');
      expectSubscriptions(updates.n2.subscriptions).toBe('---^ 17ms !');
    }, vitestEqual));

  it('releases a deleted note and never follows a repeated one twice', () =>
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const updates = cold<NoteUpdate>('-d', { d: { id: 'n1', type: 'deleted', body: { deletedAt: '2026-11-27T12:00:00.000Z' } } });
      const handler = liveReactionsHandler({ keep: 5, follow: () => updates });
      expectObservable(cold('a--a', { a: note('n1', 'one', { reactions: { '🐱': 2 } }) }).pipe(handler)).toBe('a(bc)', {
        a: [live('n1', 'one', { '🐱': 2 })],
        b: [live('n1', 'one', { '🐱': 2 })],
        c: [],
      });
      expectSubscriptions(updates.subscriptions).toBe('^!');
    }, vitestEqual));
});

describe('runLiveReactions (emulator)', () => {
  const bed = new RecipeBed();
  afterEach(() => bed.dispose());

  it('keeps reaction counts live over noteUpdates and holds at most `keep` note subscriptions', async () => {
    const { misskey: emulator } = await bed.start(['misskey']);
    if (!emulator) throw new Error('no emulator');
    let board: LiveBoard = [];
    const run = bed.run(runLiveReactions({ misskey: bed.link(misskeyLinkTo(emulator, tinyPolicies)) }, { keep: 2, onBoard: (b) => (board = b) }));
    await until(() => emulator.stats().channels === 1, 'the home timeline to connect');
    const one = emulator.createNote('alice', { text: 'one' });
    const two = emulator.createNote('bob', { text: 'two' });
    await until(() => emulator.stats().noteSubscriptions === 2, 'two notes followed');
    emulator.react(two.id, 'carol', '🐱');
    emulator.react(two.id, 'dave', '🐱');
    emulator.react(one.id, 'carol', '👍');
    await until(() => board.find((n) => n.id === one.id)?.reactions['👍'] === 1 && board.find((n) => n.id === two.id)?.reactions['🐱'] === 2, 'live counts');
    const three = emulator.createNote('carol', { text: 'three' });
    await until(() => board.length === 2 && board[0]?.id === three.id, 'the oldest note released');
    await until(() => emulator.receivedOfType('unsubNote').length === 1, 'unsubNote of the oldest');
    expect(emulator.receivedOfType('unsubNote')[0]?.body).toEqual({ id: one.id });
    expect(emulator.stats().noteSubscriptions).toBe(2);
    expect(board.map((n) => n.id)).toEqual([three.id, two.id]);
    expect(describeBoard(board)).toBe('following 2 notes; top: "two" 🐱2');
    await run.stop();
    await until(() => emulator.stats().noteSubscriptions === 0, 'every note released');
  });
});
