import { defer, of, throwError } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { misskeyLinkTo } from '../../recipes/connect.js';
import { keywordReactionHandler, matchRule, defaultKeywordRules, runKeywordReactions } from '../../recipes/keyword-reactions.js';
import { RateLimitError } from '../../src/index.js';
import { marbles } from '../../src/testing/index.js';
import { RecipeBed, tinyPolicies, until, vitestEqual } from './harness.js';
import { note, timelineMessage } from './notes.js';

describe('matchRule', () => {
  it('takes the first rule matching the text or the CW', () => {
    expect(matchRule({ text: 'streamrx and my cat', cw: null }, defaultKeywordRules)?.reaction).toBe('🎉');
    expect(matchRule({ text: null, cw: '猫' }, defaultKeywordRules)?.reaction).toBe('🐱');
    expect(matchRule({ text: 'concatenate', cw: null }, defaultKeywordRules)).toBeUndefined();
  });
});

describe('keywordReactionHandler (marbles)', () => {
  it('reacts once per matching note, spaced by minInterval, skipping other and own notes', () =>
    marbles(({ cold, expectObservable }) => {
      const handler = keywordReactionHandler({ myUserId: 'me', minInterval: 10, react: () => of(null) });
      const source = cold('abcde', {
        a: timelineMessage(note('n1', 'my cat sleeps')),
        b: timelineMessage(note('n2', 'lunch')),
        c: timelineMessage(note('n3', 'streamrx by me', { userId: 'me' })),
        d: timelineMessage(note('n1', 'my cat sleeps')),
        e: timelineMessage(note('n4', 'I like RxJS')),
      });
      expectObservable(source.pipe(handler)).toBe('x 9ms y', {
        x: { status: 'reacted', noteId: 'n1', reaction: '🐱' },
        y: { status: 'reacted', noteId: 'n4', reaction: '👀' },
      });
    }, vitestEqual));

  it('pauses the queue for a 429 Retry-After, then goes on', () =>
    marbles(({ cold, expectObservable }) => {
      let calls = 0;
      const handler = keywordReactionHandler({
        minInterval: 0,
        retry: { initialDelay: 10 },
        react: () => defer(() => (++calls === 1 ? throwError(() => new RateLimitError('rate limited', { retryAfterMs: 300 })) : of(null))),
      });
      const source = cold('ab', { a: timelineMessage(note('n1', 'cat')), b: timelineMessage(note('n2', 'streamrx')) });
      expectObservable(source.pipe(handler)).toBe('300ms (xy)', {
        x: { status: 'reacted', noteId: 'n1', reaction: '🐱' },
        y: { status: 'reacted', noteId: 'n2', reaction: '🎉' },
      });
    }, vitestEqual));

  it('skips matches beyond maxPending instead of queueing stale reactions', () =>
    marbles(({ cold, expectObservable }) => {
      const handler = keywordReactionHandler({ minInterval: 0, maxPending: 1, react: () => cold('-----(r|)', { r: null }) });
      const source = cold('ab------c', { a: timelineMessage(note('n1', 'cat')), b: timelineMessage(note('n2', 'cat')), c: timelineMessage(note('n3', 'cat')) });
      expectObservable(source.pipe(handler)).toBe('-s---x-------z', {
        s: { status: 'skipped', noteId: 'n2', reaction: '🐱' },
        x: { status: 'reacted', noteId: 'n1', reaction: '🐱' },
        z: { status: 'reacted', noteId: 'n3', reaction: '🐱' },
      });
    }, vitestEqual));
});

describe('runKeywordReactions (emulator)', () => {
  const bed = new RecipeBed();
  afterEach(() => bed.dispose());

  it('reacts over HTTP to home-timeline notes but not its own, through a 429 and a dropped socket (gap-filled)', async () => {
    const { misskey: emulator } = await bed.start(['misskey']);
    if (!emulator) throw new Error('no emulator');
    const link = bed.link(misskeyLinkTo(emulator, tinyPolicies));
    const run = bed.run(runKeywordReactions({ misskey: link }, { minInterval: 0, retry: { initialDelay: 5, maxRetries: 3 } }));
    await until(() => emulator.stats().channels === 1, 'the home timeline to connect');
    emulator.rateLimitNext(1, { endpoint: 'notes/reactions/create', retryAfterSeconds: 0 });
    emulator.createNote('admin', { text: 'my own cat: no reaction to myself' });
    const first = emulator.createNote('alice', { text: 'my cat again' });
    emulator.createNote('bob', { text: 'nothing to see' });
    await until(() => run.counters.out === 1, 'the first reaction');
    emulator.dropConnections();
    const missed = emulator.createNote('carol', { text: 'streamrx survived' });
    await until(() => run.counters.out === 2, 'a reaction to the note posted while disconnected');

    const reactions = emulator.apiCalls.filter((c) => c.endpoint === 'notes/reactions/create');
    expect(reactions.map((c) => [c.params['noteId'], c.params['reaction'], c.status])).toEqual([
      [first.id, '🐱', 429],
      [first.id, '🐱', 204],
      [missed.id, '🎉', 204],
    ]);
    expect(run.counters).toMatchObject({ in: 4, out: 2, errors: 0, reconnects: 1, gaps: 0 });
  });
});
