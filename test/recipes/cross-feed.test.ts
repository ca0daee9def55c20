import { afterEach, describe, expect, it } from 'vitest';
import { misskeyLinkTo, mixi2LinkTo, momentoLinkTo } from '../../recipes/connect.js';
import { feedPublisher, feedReader, parseFeedItem, runCrossFeed, toFeedItem, type FeedItem } from '../../recipes/cross-feed.js';
import type { TopicItemEvent } from '../../src/momento/index.js';
import { buildChatMessageReceivedEvent, buildMixi2User, buildPostCreatedEvent, marbles, mixi2Timestamp } from '../../src/testing/index.js';
import { RecipeBed, tinyPolicies, until, vitestEqual } from './harness.js';
import { note } from './notes.js';

const bob = buildMixi2User({ userId: 'user-bob', name: 'bob' });
const mixi2Post = (postId: string, text: string) =>
  buildPostCreatedEvent({ postId, text, createdAt: mixi2Timestamp(Date.UTC(2026, 10, 27, 9, 30, 0, 250)) }, { issuer: bob });
const mixi2Item: FeedItem = { id: 'mixi2:p1', network: 'mixi2', author: 'bob', text: 'hello from mixi2', createdAt: '2026-11-27T09:30:00.250Z' };
const misskeyItem: FeedItem = { id: 'misskey:n1', network: 'misskey', author: 'alice', text: 'hello from misskey', createdAt: '2026-11-27T12:00:00.000Z' };
const topicItem = (value: string, sequenceNumber: number): TopicItemEvent => ({ type: 'item', value, sequenceNumber, publisherId: '' });

describe('feed items', () => {
  it('normalises mixi2 posts and Misskey notes into one shape, and nothing else', () => {
    expect(toFeedItem({ network: 'mixi2', event: mixi2Post('p1', 'hello from mixi2') })).toEqual(mixi2Item);
    expect(toFeedItem({ network: 'misskey', note: note('n1', 'hello from misskey') })).toEqual(misskeyItem);
    expect(toFeedItem({ network: 'mixi2', event: buildChatMessageReceivedEvent({ text: 'dm' }) })).toBeUndefined();
    expect(toFeedItem({ network: 'misskey', note: note('n2', null) })).toBeUndefined();
  });

  it('parses what was published and refuses anything else', () => {
    expect(parseFeedItem(JSON.stringify(mixi2Item))).toEqual(mixi2Item);
    expect(parseFeedItem(new TextEncoder().encode(JSON.stringify(misskeyItem)))).toEqual(misskeyItem);
    expect(parseFeedItem('not json')).toBeUndefined();
    expect(parseFeedItem(JSON.stringify({ ...mixi2Item, network: 'bluesky' }))).toBeUndefined();
  });
});

describe('feedPublisher / feedReader (marbles)', () => {
  it('publishes each post once as JSON, and reads it back without repeats or junk', () =>
    marbles(({ cold, expectObservable }) => {
      const inputs = cold('abca', {
        a: { network: 'mixi2' as const, event: mixi2Post('p1', 'hello from mixi2') },
        b: { network: 'misskey' as const, note: note('n1', 'hello from misskey') },
        c: { network: 'mixi2' as const, event: buildChatMessageReceivedEvent() },
      });
      expectObservable(inputs.pipe(feedPublisher())).toBe('ab', { a: JSON.stringify(mixi2Item), b: JSON.stringify(misskeyItem) });
      const items = cold('abcd', {
        a: topicItem(JSON.stringify(mixi2Item), 1),
        b: topicItem('{"broken"', 2),
        c: topicItem(JSON.stringify(mixi2Item), 3),
        d: topicItem(JSON.stringify(misskeyItem), 4),
      });
      expectObservable(items.pipe(feedReader())).toBe('a--d', { a: mixi2Item, d: misskeyItem });
    }, vitestEqual));
});

describe('runCrossFeed (emulators)', () => {
  const bed = new RecipeBed();
  afterEach(() => bed.dispose());

  it('carries mixi2 posts and Misskey notes through a Momento topic to the reader, across dropped connections', async () => {
    const emulators = await bed.start(['mixi2', 'misskey', 'momento']);
    const { mixi2, misskey, momento } = emulators;
    if (!mixi2 || !misskey || !momento) throw new Error('missing emulator');
    const consumed: FeedItem[] = [];
    const run = bed.run(
      runCrossFeed(
        {
          mixi2: bed.link(mixi2LinkTo(mixi2, tinyPolicies)),
          misskey: bed.link(misskeyLinkTo(misskey, tinyPolicies)),
          momento: bed.link(momentoLinkTo(momento, 'cache', tinyPolicies)),
        },
        { topic: 'feed', onItem: (item) => consumed.push(item) },
      ),
    );
    await mixi2.waitForStreams(1);
    await until(() => misskey.stats().channels === 1, 'the home timeline');
    await momento.waitFor(() => momento.stats().openStreams === 1, 'the reader');

    mixi2.push(mixi2Post('p1', 'hello from mixi2'));
    const created = misskey.createNote('alice', { text: 'hello from misskey' });
    await until(() => consumed.length === 2, 'two items read back');
    emulators.dropConnections();
    await until(() => mixi2.stats().streamRequests === 2 && mixi2.stats().openStreams === 1, 'the mixi2 stream again');
    await until(() => misskey.stats().upgrades === 2 && misskey.stats().channels === 1, 'the home timeline again');
    await momento.waitFor(() => momento.stats().openStreams === 1 && momento.subscribeRequests.length >= 2, 'the reader again');
    mixi2.push(mixi2Post('p2', 'after the drop'));
    await until(() => consumed.length === 3 && run.counters.out === 3, 'the third item read and its publish confirmed');

    expect(consumed.map((i) => i.id).sort()).toEqual(['mixi2:p1', 'mixi2:p2', `misskey:${created.id}`].sort());
    expect(consumed.find((i) => i.network === 'misskey')).toMatchObject({ author: 'alice', text: 'hello from misskey' });
    expect(momento.topic('cache', 'feed').lastSequenceNumber).toBe(3);
    expect(run.counters.out).toBe(3);
    expect(run.counters.reconnects).toBeGreaterThanOrEqual(3);
    expect(run.describe?.()).toMatch(/^consumed 3 from topic feed/);
  });
});
