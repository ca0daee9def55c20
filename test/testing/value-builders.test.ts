import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import {
  buildMisskeyNote,
  buildNoteMessage,
  buildNoteUpdated,
  buildTopicDiscontinuity,
  buildTopicHeartbeat,
  buildTopicItem,
  marbles,
} from '../../src/testing/index.js';

describe('builders of test values', () => {
  it('build Misskey notes with defaults, overrides and unique ids', () => {
    const a = buildMisskeyNote();
    const b = buildMisskeyNote({ text: 'custom', reactions: { '👍': 2 } });
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({ visibility: 'public', text: 'hello from a test', user: { username: 'alice' } });
    expect(b).toMatchObject({ text: 'custom', reactions: { '👍': 2 } });
    expect(buildNoteMessage({ text: 'x' })).toMatchObject({ type: 'note', body: { text: 'x' } });
  });

  it('build noteUpdated events of each type with the server’s body', () => {
    expect(buildNoteUpdated('reacted', 'n1', { reaction: '🎉' })).toEqual({ id: 'n1', type: 'reacted', body: { reaction: '🎉', emoji: null, userId: 'user-bob' } });
    expect(buildNoteUpdated('unreacted', 'n1').body).toEqual({ reaction: '👍', userId: 'user-bob' });
    expect(buildNoteUpdated('pollVoted', 'n1', { choice: 2 }).body).toEqual({ choice: 2, userId: 'user-bob' });
    expect(buildNoteUpdated('deleted', 'n1').body.deletedAt).toMatch(/^\d{4}-/);
  });

  it('build Momento items with increasing sequence numbers, heartbeats and discontinuities', () => {
    const first = buildTopicItem();
    const second = buildTopicItem({ value: new Uint8Array([1]) });
    expect(second.sequenceNumber).toBe(first.sequenceNumber + 1);
    expect(buildTopicHeartbeat()).toEqual({ type: 'heartbeat' });
    expect(buildTopicDiscontinuity({ newSequenceNumber: 9 })).toMatchObject({ type: 'discontinuity', newSequenceNumber: 9 });
  });

  it('make marble tests read like the events they describe', () =>
    marbles(({ cold, expectObservable }) => {
      const timeline = cold('a-b', { a: buildNoteMessage({ text: 'rxjs!' }), b: buildNoteMessage({ text: 'cats' }) });
      expectObservable(timeline.pipe(map((m) => m.body.text))).toBe('a-b', { a: 'rxjs!', b: 'cats' });
    }));
});
