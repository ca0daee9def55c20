import { EMPTY, expand, map, type Observable, type Subscription } from 'rxjs';
import type { ChannelListener } from './channel-link.js';
import type { TimelineEndpoint } from './timeline-endpoints.js';
import type { Note } from './types.js';

/** The report of one gap-fill after a reconnect or of a resume from a stored cursor (on {@link MisskeyClient.gapFills$}). */
export interface GapFill {
  /** The channel that was filled (`main` for its notifications). */
  channel: string;
  /** `'resume'` when the subscription started from `resumeFrom` (the replay after a restart); absent after a reconnect. */
  reason?: 'resume';
  /** The last note seen before the drop; absent when the channel had delivered no note yet. */
  sinceId?: string;
  /** When no note had been seen: the time the channel was first acknowledged (ms since epoch, client clock). */
  sinceDate?: number;
  /** Notes (or notifications) fetched over HTTP, over all pages (before de-duplication against live frames). */
  fetched: number;
  /** With `reason: 'resume'`: how many were delivered (those after the cursor, each once; live frames repeating them are skipped). */
  replayed?: number;
  /** Pages fetched. */
  pages: number;
  /** `false` when notes may be missing: the last page allowed was full, or a fetch failed. */
  complete: boolean;
  /** Why a fetch failed, when one did. */
  error?: unknown;
}

/** Fetches one page of a timeline endpoint (notes) or of `i/notifications` (notifications). */
export type PageFetcher = (endpoint: string, params: Record<string, unknown>) => Observable<Array<Pick<Note, 'id' | 'createdAt'>>>;

/** How much a gap-fill fetches: pages of `limit` notes, at most `maxPages` of them. */
export interface GapFillBudget {
  limit: number;
  maxPages: number;
}

type TimelineMessage = { type: string; body: unknown };
type Since = Pick<GapFill, 'sinceId' | 'sinceDate'> & { untilId?: string };
/** A page of notes, and where the gap-fill goes after it (see {@link nextCursor}). */
type FetchedPage = { notes: Entry[]; next: Since | 'covered' | 'uncovered' };

/** A note, or a notification (same id and createdAt). */
type Entry = Pick<Note, 'id' | 'createdAt'>;

const byId = (a: Entry, b: Entry): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The notes of `pages` after `since`, each once, oldest first. */
function missedNotes(pages: readonly Entry[][], since: Since): Entry[] {
  const seen = new Set<string>();
  const missed: Entry[] = [];
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
 * otherwise the next page's cursor: after the page's newest id for an oldest-first page, before its
 * oldest id (same `sinceId`) for a newest-first one (`i/notifications` answers newest first).
 */
function nextCursor(notes: readonly Entry[], cursor: Since, limit: number): Since | 'covered' | 'uncovered' {
  if (notes.length < limit) return 'covered';
  const newestFirst = notes.length > 1 && (notes[0] as Entry).id > (notes[notes.length - 1] as Entry).id;
  if (cursor.sinceDate !== undefined) {
    if (notes.some((n) => Date.parse(n.createdAt) < (cursor.sinceDate as number))) return 'covered';
    if (newestFirst) return 'uncovered';
  }
  if (newestFirst && cursor.sinceId !== undefined) return { sinceId: cursor.sinceId, untilId: (notes[notes.length - 1] as Entry).id };
  const newest = notes.reduce((max, n) => (n.id > max ? n.id : max), (notes[0] as Entry).id);
  return { sinceId: newest };
}

/**
 * Sits between a timeline channel connection and its subscriber (or the fan-out of the subscribers sharing
 * it: one filler per connection): remembers the last note id, and after every reconnect fetches what was
 * missed with `sinceId`, page after page (each page's newest id is the next page's `sinceId`) until a page
 * is not full or `maxPages` were fetched. It emits the missed notes oldest
 * first, then the live notes that arrived meanwhile, skipping those the pages already had. A channel that
 * had delivered no note yet starts from `sinceDate` = 1 ms before it was first acknowledged (client
 * clock; skew shifts it). With `resumeFrom` (a stored id) the first acknowledgement is filled the same
 * way from that id (reported with `reason: 'resume'`), live messages held until the replay is delivered.
 * The seam is de-duplicated by id (a set of the replayed ids), never by comparing ids with the last one:
 * servers deliver live notes out of creation order.
 * @example
 * ```ts
 * const filler = new TimelineGapFiller('homeTimeline', timelineEndpoints.homeTimeline, {}, subscriber, fetchPage, { limit: 100, maxPages: 10 }, report);
 * link.addListener(filler);
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
    /** Where notes go: the subscriber, or the fan-out of the subscribers sharing the connection. */
    private readonly downstream: Pick<ChannelListener, 'next' | 'error'>,
    private readonly fetchPage: PageFetcher,
    private readonly budget: GapFillBudget,
    private readonly report: (fill: GapFill) => void,
    /** Start from this stored id: the first acknowledgement replays what came after it, live messages wait meanwhile. */
    private readonly resumeFrom?: string,
  ) {
    if (resumeFrom === undefined) return;
    this.lastNoteId = resumeFrom;
    this.buffer = [];
  }

  /** The type of the channel messages this filler replays: `note` for timelines, `notification` for `main`. */
  private get messageType(): string {
    return this.timeline.messageType ?? 'note';
  }

  next(message: unknown): void {
    const m = message as TimelineMessage;
    if (this.buffer) {
      this.buffer.push(m);
      return;
    }
    if (m.type === this.messageType) this.lastNoteId = (m.body as { id: string }).id;
    this.downstream.next(m);
  }

  error(error: unknown): void {
    this.downstream.error(error);
  }

  acknowledged(reconnected: boolean): void {
    // a listener joining a shared channel during a reconnect hears its first acknowledgement as `reconnected`
    const resuming = this.resumeFrom !== undefined && this.firstAckAt === undefined;
    this.firstAckAt ??= Date.now();
    if (resuming) return this.fill({ sinceId: this.resumeFrom as string }, 'resume');
    if (!reconnected || this.buffer) return;
    this.buffer = [];
    this.fill(this.lastNoteId === undefined ? { sinceDate: (this.firstAckAt ?? Date.now()) - 1 } : { sinceId: this.lastNoteId });
  }

  private fill(since: Since, reason?: 'resume'): void {
    const pages: FetchedPage[] = [];
    this.fetch = this.pagesAfter(since).subscribe({
      next: (page) => pages.push(page),
      complete: () => this.flush(since, pages, reason, pages.at(-1)?.next === 'covered'),
      error: (error: unknown) => this.flush(since, pages, reason, false, error),
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

  private flush(since: Since, pages: readonly FetchedPage[], reason: 'resume' | undefined, complete: boolean, error?: unknown): void {
    const fetched = pages.reduce((sum, page) => sum + page.notes.length, 0);
    const missed = missedNotes(pages.map((page) => page.notes), since);
    const live = this.buffer ?? [];
    this.buffer = undefined;
    this.fetch = undefined;
    const fetchedIds = new Set<string>();
    for (const note of missed) {
      fetchedIds.add(note.id);
      this.next({ type: this.messageType, body: note });
    }
    const resumed = reason ? { reason, replayed: missed.length } : {};
    const fill: GapFill = { channel: this.channel, ...since, fetched, pages: pages.length, complete, ...resumed };
    if (error !== undefined) fill.error = error;
    this.report(fill);
    for (const message of live) {
      if (message.type === this.messageType && fetchedIds.has((message.body as { id: string }).id)) continue;
      this.next(message);
    }
  }
}
