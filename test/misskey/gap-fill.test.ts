import { Observable, of, type Subscriber } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { TimelineGapFiller, type GapFill, type PageFetcher } from '../../src/misskey/gap-fill.js';
import { timelineEndpoints } from '../../src/misskey/timeline-endpoints.js';
import type { Note } from '../../src/misskey/types.js';
import { buildMisskeyNote } from '../../src/testing/misskey/index.js';

/** A filler in front of a recording subscriber, with pages answered by `fetchPage`. */
function fillerWith(fetchPage: PageFetcher, channel = 'hashtag', params: Record<string, unknown> = { q: [['misskey']] }) {
  const delivered: string[] = [];
  const fills: GapFill[] = [];
  let filler!: TimelineGapFiller;
  new Observable<{ type: string; body: Note }>((subscriber) => {
    filler = new TimelineGapFiller(channel, timelineEndpoints[channel]!, params, subscriber as Subscriber<unknown>, fetchPage, { limit: 3, maxPages: 5 }, (f) => fills.push(f));
  }).subscribe((m) => delivered.push(m.body.id));
  return { filler, delivered, fills };
}

const at = (id: string, ms: number): Note => buildMisskeyNote({ id, createdAt: new Date(ms).toISOString() });

describe('TimelineGapFiller', () => {
  it('keeps only notes created since the first acknowledgement when the endpoint ignores sinceDate', () => {
    const requests: Array<Record<string, unknown>> = [];
    const { filler, delivered, fills } = fillerWith((endpoint, params) => {
      requests.push({ endpoint, ...params });
      // An endpoint without sinceDate answers with its newest notes, newest first.
      return of([at('c3', Date.now() + 2000), at('c2', Date.now() + 1000), at('a1', Date.now() - 60_000)]);
    });
    filler.acknowledged(false);
    filler.acknowledged(true);
    expect(delivered).toEqual(['c2', 'c3']);
    expect(requests[0]).toMatchObject({ endpoint: 'notes/search-by-tag', query: [['misskey']], limit: 3, sinceDate: expect.any(Number) });
    // The page reaches back past sinceDate, so nothing between is missing.
    expect(fills).toEqual([{ channel: 'hashtag', sinceDate: expect.any(Number), fetched: 3, pages: 1, complete: true }]);
  });

  it('reports a gap as incomplete when such a newest-first page is full and entirely newer', () => {
    const { filler, delivered, fills } = fillerWith(() => of([at('c3', Date.now() + 3000), at('c2', Date.now() + 2000), at('c1', Date.now() + 1000)]));
    filler.acknowledged(false);
    filler.acknowledged(true);
    expect(delivered).toEqual(['c1', 'c2', 'c3']);
    expect(fills).toEqual([{ channel: 'hashtag', sinceDate: expect.any(Number), fetched: 3, pages: 1, complete: false }]);
  });

  it('delivers a note once when pages overlap, and live notes after the missed ones, without repeats', () => {
    const pages = [[at('b1', 0), at('b2', 0), at('b3', 0)], [at('b3', 0), at('b4', 0)]];
    const { filler, delivered, fills } = fillerWith(() => of(pages.shift() ?? []), 'channel', { channelId: 'ch1' });
    filler.acknowledged(false);
    filler.next({ type: 'note', body: at('a9', 0) });
    let answer!: Subscriber<Note[]>;
    const slow = fillerWith(() => new Observable<Note[]>((s) => void (answer = s)), 'channel', { channelId: 'ch1' });
    slow.filler.acknowledged(false);
    slow.filler.next({ type: 'note', body: at('a9', 0) });
    slow.filler.acknowledged(true);
    slow.filler.next({ type: 'note', body: at('b2', 0) }); // live while the page is on its way: held, then skipped
    slow.filler.next({ type: 'note', body: at('b5', 0) });
    answer.next([at('b1', 0), at('b2', 0)]);
    answer.complete();
    expect(slow.delivered).toEqual(['a9', 'b1', 'b2', 'b5']);

    filler.acknowledged(true);
    expect(delivered).toEqual(['a9', 'b1', 'b2', 'b3', 'b4']);
    expect(fills).toEqual([{ channel: 'channel', sinceId: 'a9', fetched: 5, pages: 2, complete: true }]);
  });
});
