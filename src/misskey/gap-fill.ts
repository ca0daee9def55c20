import type { Observable, Subscriber, Subscription } from 'rxjs';
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
  /** Notes fetched over HTTP (before de-duplication against live frames). */
  fetched: number;
  /** `false` when the gap may be larger than one page (`fetched === limit`) or the fetch failed: notes may be missing. */
  complete: boolean;
  /** Why the fetch failed, when it did. */
  error?: unknown;
}

/** Fetches one page of a timeline endpoint. */
export type PageFetcher = (endpoint: string, params: Record<string, unknown>) => Observable<Note[]>;

type TimelineMessage = { type: string; body: unknown };

/**
 * Sits between a timeline channel and its subscriber: remembers the last note id, and after every
 * reconnect fetches what was missed with `sinceId` (one page of `limit`), emits it oldest first, then the
 * live notes that arrived meanwhile, skipping those the page already had. A channel that had delivered no
 * note yet fetches with `sinceDate` = 1 ms before it was first acknowledged (client clock; skew shifts it).
 * @example
 * ```ts
 * const filler = new TimelineGapFiller('homeTimeline', timelineEndpoints.homeTimeline, {}, subscriber, fetchPage, 100, report);
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
    private readonly limit: number,
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
    const since: Pick<GapFill, 'sinceId' | 'sinceDate'> = this.lastNoteId === undefined ? { sinceDate: (this.firstAckAt ?? Date.now()) - 1 } : { sinceId: this.lastNoteId };
    this.buffer = [];
    const params = { ...this.timeline.params(this.channelParams), ...since, limit: this.limit };
    this.fetch = this.fetchPage(this.timeline.endpoint, params).subscribe({
      next: (notes) => this.flush(since, notes, undefined),
      error: (error: unknown) => this.flush(since, [], error),
    });
  }

  dispose(): void {
    this.fetch?.unsubscribe();
  }

  private flush(since: Pick<GapFill, 'sinceId' | 'sinceDate'>, notes: Note[], error: unknown): void {
    const { sinceId } = since;
    const ascending = notes.filter((n) => sinceId === undefined || n.id > sinceId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const fetchedIds = new Set<string>();
    const live = this.buffer ?? [];
    this.buffer = undefined;
    this.fetch = undefined;
    for (const note of ascending) {
      fetchedIds.add(note.id);
      this.next({ type: 'note', body: note });
    }
    const fill: GapFill = { channel: this.channel, ...since, fetched: notes.length, complete: error === undefined && notes.length < this.limit };
    if (error !== undefined) fill.error = error;
    this.report(fill);
    for (const message of live) {
      if (message.type === 'note' && fetchedIds.has((message.body as { id: string }).id)) continue;
      this.next(message);
    }
  }
}
