import { afterEach, describe, expect, it } from 'vitest';
import { misskeyLinkTo, mixi2LinkTo, momentoLinkTo } from '../../recipes/connect.js';
import type { FeedInput } from '../../recipes/cross-feed.js';
import { hashtagsOf, runTrends, trendsHandler, type TrendBoard } from '../../recipes/trends.js';
import { timestamped, watermark } from '../../src/index.js';
import { buildMixi2Post, buildPostCreatedEvent, marbles, mixi2Timestamp } from '../../src/testing/index.js';
import { RecipeBed, tinyPolicies, until, vitestEqual } from './harness.js';
import { note } from './notes.js';

const misskeyNote = (id: string, text: string): FeedInput => ({ network: 'misskey', note: note(id, text) });
const mixi2Post = (id: string, text: string): FeedInput => ({ network: 'mixi2', event: buildPostCreatedEvent(buildMixi2Post({ postId: id, text })) });

describe('hashtagsOf', () => {
  it('finds each hashtag once, lower-cased, in any script', () => {
    expect(hashtagsOf('Anyone tried #RxJS marble tests? #rxjs #testing, 猫 #猫!')).toEqual(['#rxjs', '#testing', '#猫']);
    expect(hashtagsOf('no tags here # nor here')).toEqual([]);
  });
});

describe('trendsHandler (marbles)', () => {
  it('publishes each sliding window\'s top tags when the watermark passes its end, and a corrected board for a late post', () => {
    let late = 0;
    marbles(({ cold, expectObservable }) => {
      const input = cold('abcW---d---|', {
        a: timestamped(misskeyNote('n1', 'hi #rxjs'), 1),
        b: timestamped(misskeyNote('n2', '#RxJS and #cats'), 3),
        c: timestamped(mixi2Post('p1', 'my #cats'), 6),
        W: watermark(10),
        d: timestamped(misskeyNote('n3', 'late #rxjs'), 8), // behind the watermark, within allowed lateness
      });
      const boards = input.pipe(trendsHandler({ window: 10, slide: 5, top: 2, allowedLateness: 10, onLate: () => late++ }));
      expectObservable(boards).toBe('---(xy)u---(z|)', {
        x: { start: -5, end: 5, top: [{ tag: '#rxjs', count: 2 }, { tag: '#cats', count: 1 }], kind: 'onTime' } satisfies TrendBoard,
        y: { start: 0, end: 10, top: [{ tag: '#cats', count: 2 }, { tag: '#rxjs', count: 2 }], kind: 'onTime' },
        u: { start: 0, end: 10, top: [{ tag: '#rxjs', count: 3 }, { tag: '#cats', count: 2 }], kind: 'update' },
        z: { start: 5, end: 15, top: [{ tag: '#cats', count: 1 }, { tag: '#rxjs', count: 1 }], kind: 'onTime' },
      });
    }, vitestEqual);
    expect(late).toBe(1);
  });
});

describe('runTrends (emulators)', () => {
  const bed = new RecipeBed();
  afterEach(() => bed.dispose());

  it('publishes the top tags of mixi2 posts and Misskey notes to a Momento topic, folding a late note into its window', async () => {
    const emulators = await bed.start(['mixi2', 'misskey', 'momento']);
    const { mixi2, misskey, momento } = emulators;
    if (!mixi2 || !misskey || !momento) throw new Error('missing emulator');
    const boards: TrendBoard[] = [];
    const run = bed.run(
      runTrends(
        { mixi2: bed.link(mixi2LinkTo(mixi2, tinyPolicies)), misskey: bed.link(misskeyLinkTo(misskey, tinyPolicies)), momento: bed.link(momentoLinkTo(momento, 'cache', tinyPolicies)) },
        { topic: 'trends', window: 2_000, slide: 1_000, maxLateness: 0, allowedLateness: 60_000, idleTimeout: 60_000, onBoard: (b) => boards.push(b) },
      ),
    );
    await mixi2.waitForStreams(1);
    await until(() => misskey.stats().channels === 1, 'the home timeline');
    // Event times far from now, chosen by the test: windows [1000,3000), [2000,4000), …
    const at = (ms: number): string => new Date(ms).toISOString();
    mixi2.push(buildPostCreatedEvent(buildMixi2Post({ text: 'first #rxjs', createdAt: mixi2Timestamp(1_500) })));
    misskey.createNote('alice', { text: 'also #rxjs and #cats', createdAt: at(1_800) });
    mixi2.push(buildPostCreatedEvent(buildMixi2Post({ text: 'later #cats', createdAt: mixi2Timestamp(3_500) })));
    misskey.createNote('bob', { text: 'moving on', createdAt: at(3_600) }); // both sources now past 3000
    await until(() => boards.some((b) => b.end === 3_000), 'the board of [1000,3000)');
    misskey.createNote('carol', { text: 'late #cats', createdAt: at(2_100) }); // behind the watermark
    await until(() => boards.some((b) => b.end === 3_000 && b.kind === 'update'), 'the corrected board');
    await until(() => run.counters.out === boards.length, 'every board published');

    const window = boards.filter((b) => b.end === 3_000);
    expect(window.map((b) => b.kind)).toEqual(['onTime', 'update']);
    expect(window[0]!.top).toEqual([{ tag: '#rxjs', count: 2 }, { tag: '#cats', count: 1 }]);
    expect(window[1]!.top).toEqual([{ tag: '#cats', count: 2 }, { tag: '#rxjs', count: 2 }]);
    expect(momento.topic('cache', 'trends').lastSequenceNumber).toBe(boards.length);
    expect(run.describe?.()).toMatch(/^late posts folded in 1, dropped 0; window .*#cats 2, #rxjs 2/);
  });
});
