import { EMPTY, expand, map, type Observable, type Subscriber, type Subscription } from 'rxjs';
import type { ChannelListener } from './channel-link.js';
import type { TimelineEndpoint } from './timeline-endpoints.js';
import type { Note } from './types.js';

/** The report of one gap-fill after a reconnect (on {@link MisskeyClient.gapFills$}). */
export interface GapFill {
  /** The timeline channel that was filled. */
  channel: string;
  /** The last note seen before the drop; absent when the channel had delivered no note yet. */
  sinceId?: string;
  /** When no note had been seen: the time the channel was first acknowledged (ms since epoch, client clock). */
  sinceDate?: number;
  /** Notes fetched over HTTP, over all pages (before de-duplication against live frames). */
  fetched: number;
  /** Pages fetched. */
  pages: number;
  /** `false` when notes may be missing: the last page allowed was full, or a fetch failed. */
  complete: boolean;
  /** Why a fetch failed, when one did. */
  error?: unknown;
}

/** Fetches one page of a timeline endpoint. */
export type PageFetcher = (endpoint: string, params: Record<string, unknown>) => Observable<Note[]>;

/** How much a gap-fill fetches: pages of `limit` notes, at most `maxPages` of them. */
export interface GapFillBudget {
  limit: number;
  maxPages: number;
}

type TimelineMessage = { type: string; body: unknown };
type Since = Pick<GapFill, 'sinceId' | 'sinceDate'>;
/** A page of notes, and where the gap-fill goes after it (see {@link nextCursor}). */
type FetchedPage = { notes: Note[]; next: Since | 'covered' | 'uncovered' };

const byId = (a: Note, b: Note): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The notes of `pages` after `since`, each once, oldest first. */
function missedNotes(pages: readonly Note[][], since: Since): Note[] {
  const seen = new Set<string>();
  const missed: Note[] = [];
  for (const note of pages.flat()) {
    if (seen.has(note.id)) continue;
    seen.add(note.id);
    // sinceDate is checked here too: an endpoint that ignores it answers with its newest page instead.
    const after = since.sinceId !== undefined ? note.id > since.sinceId : Date.parse(note.createdAt) >= (since.sinceDate ?? 0);
    if (after) missed.push(note);
  }
  return missed.sort(byId);
}

/**
 * Where a gap-fill goes after a page fetched from `cursor`: `'covered'` when the page was not full or
 * reaches back past a `sinceDate` (an endpoint that ignores sinceDate answers with its newest notes);
 * `'uncovered'` when such an answer was full and entirely newer (older missed notes are out of reach);
 * otherwise the next page's cursor, the page's newest id.
 */
function nextCursor(notes: readonly Note[], cursor: Since, limit: number): Since | 'covered' | 'uncovered' {
  if (notes.length < limit) return 'covered';
  if (cursor.sinceDate !== undefined) {
    if (notes.some((n) => Date.parse(n.createdAt) < (cursor.sinceDate as number))) return 'covered';
    const newestFirst = notes.length > 1 && (notes[0] as Note).id > (notes[notes.length - 1] as Note).id;
    if (newestFirst) return 'uncovered';
  }
  const newest = notes.reduce((max, n) => (n.id > max ? n.id : max), (notes[0] as Note).id);
  return { sinceId: newest };
}

/**
 * Sits between a timeline channel and its subscriber: remembers the last note id, and after every
 * reconnect fetches what was missed with `sinceId`, page after page (each page's newest id is the next
 * page's `sinceId`) until a page is not full or `maxPages` were fetched. It emits the missed notes oldest
 * first, then the live notes that arrived meanwhile, skipping those the pages already had. A channel that
 * had delivered no note yet starts from `sinceDate` = 1 ms before it was first acknowledged (client
 * clock; skew shifts it).
 * @example
 * ```ts
 * const filler = new TimelineGapFiller('homeTimeline', timelineEndpoints.homeTimeline, {}, subscriber, fetchPage, { limit: 100, maxPages: 10 }, report);
 * link.listeners.push(filler);
 * ```
 */
export class TimelineGapFiller implements ChannelListener {
  private lastNoteId: string | undefined;
  private firstAckAt: number | undefined;
  private buffer: TimelineMessage[] | undefined;
  private fetch: Subscription | undefined;

  constructor(
    private readonly channel: string,
    private readonly timeline: TimelineEndpoint,
    private readonly channelParams: Record<string, unknown>,
    private readonly downstream: Subscriber<unknown>,
    private readonly fetchPage: PageFetcher,
    private readonly budget: GapFillBudget,
    private readonly report: (fill: GapFill) => void,
  ) {}

  next(message: unknown): void {
    const m = message as TimelineMessage;
    if (this.buffer) {
      this.buffer.push(m);
      return;
    }
    if (m.type === 'note') this.lastNoteId = (m.body as { id: string }).id;
    this.downstream.next(m);
  }

  error(error: unknown): void {
    this.downstream.error(error);
  }

  acknowledged(reconnected: boolean): void {
    if (!reconnected) {
      this.firstAckAt ??= Date.now();
      return;
    }
    if (this.buffer) return;
    const since: Since = this.lastNoteId === undefined ? { sinceDate: (this.firstAckAt ?? Date.now()) - 1 } : { sinceId: this.lastNoteId };
    this.buffer = [];
    const pages: FetchedPage[] = [];
    this.fetch = this.pagesAfter(since).subscribe({
      next: (page) => pages.push(page),
      complete: () => this.flush(since, pages, pages.at(-1)?.next === 'covered'),
      error: (error: unknown) => this.flush(since, pages, false, error),
    });
  }

  dispose(): void {
    this.fetch?.unsubscribe();
  }

  /** The pages after `since`, one request after the other, until a page covers the gap or `maxPages` were fetched. */
  private pagesAfter(since: Since): Observable<FetchedPage> {
    const { limit, maxPages } = this.budget;
    const base = this.timeline.params(this.channelParams);
    const page = (cursor: Since): Observable<FetchedPage> =>
      this.fetchPage(this.timeline.endpoint, { ...base, ...cursor, limit }).pipe(map((notes) => ({ notes, next: nextCursor(notes, cursor, limit) })));
    return page(since).pipe(expand(({ next }, index) => (typeof next === 'object' && index + 1 < maxPages ? page(next) : EMPTY)));
  }

  private flush(since: Since, pages: readonly FetchedPage[], complete: boolean, error?: unknown): void {
    const fetched = pages.reduce((sum, page) => sum + page.notes.length, 0);
    const missed = missedNotes(pages.map((page) => page.notes), since);
    const live = this.buffer ?? [];
    this.buffer = undefined;
    this.fetch = undefined;
    const fetchedIds = new Set<string>();
    for (const note of missed) {
      fetchedIds.add(note.id);
      this.next({ type: 'note', body: note });
    }
    const fill: GapFill = { channel: this.channel, ...since, fetched, pages: pages.length, complete };
    if (error !== undefined) fill.error = error;
    this.report(fill);
    for (const message of live) {
      if (message.type === 'note' && fetchedIds.has((message.body as { id: string }).id)) continue;
      this.next(message);
    }
  }
}
