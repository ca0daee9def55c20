import type { WireDiscontinuity, WireTopicItem, WireTopicValue } from './pubsub-wire.js';

/** Where a (re)subscribe starts: an optional discontinuity, then the retained items to replay. */
export interface ResumePlan {
  discontinuity: WireDiscontinuity | undefined;
  replay: WireTopicItem[];
}

/**
 * The state of one emulated topic: its sequence numbers (per topic, starting at 1), its sequence page (a
 * new page means the topic was reset and numbering restarted) and a bounded buffer of recent items that
 * lets a resubscribe resume where it left off.
 */
export class TopicLog {
  /** The sequence number of the last item published (0 before any). */
  lastSequenceNumber = 0;
  private readonly retained: WireTopicItem[] = [];

  constructor(
    /** The current sequence page. */
    public page: number,
    private readonly capacity: number,
  ) {}

  /** Appends a published value and returns the item with its sequence number. */
  append(value: WireTopicValue, publisherId: string): WireTopicItem {
    this.lastSequenceNumber += 1;
    const item: WireTopicItem = { sequenceNumber: this.lastSequenceNumber, value, publisherId, sequencePage: this.page };
    if (this.capacity > 0) {
      this.retained.push(item);
      if (this.retained.length > this.capacity * 2) this.retained.splice(0, this.retained.length - this.capacity);
    }
    return item;
  }

  /** Loses `count` sequence numbers (as if the service dropped them) and describes the jump. */
  skip(count: number): WireDiscontinuity {
    const last = this.lastSequenceNumber;
    this.lastSequenceNumber += count;
    return { lastSequenceNumber: last, newSequenceNumber: this.lastSequenceNumber, newSequencePage: this.page };
  }

  /** Starts a new page: numbering restarts at 1 and nothing is retained. */
  reset(): WireDiscontinuity {
    const last = this.lastSequenceNumber;
    this.page += 1;
    this.lastSequenceNumber = 0;
    this.retained.length = 0;
    return { lastSequenceNumber: last, newSequenceNumber: 0, newSequencePage: this.page };
  }

  /**
   * What a subscriber asking to resume at `resumeAt` on `page` gets: nothing for a fresh subscribe
   * (resume 0), the retained items from `resumeAt`, or a discontinuity first when the page changed or the
   * buffer no longer holds `resumeAt`.
   */
  resume(resumeAt: number, page: number): ResumePlan {
    if (resumeAt === 0) return { discontinuity: undefined, replay: [] };
    const samePage = page === this.page;
    const from = samePage ? resumeAt : 1;
    const lost = (newSequenceNumber: number): WireDiscontinuity => ({
      lastSequenceNumber: resumeAt - 1,
      newSequenceNumber,
      newSequencePage: this.page,
    });
    if (from > this.lastSequenceNumber) {
      return { discontinuity: samePage ? undefined : lost(this.lastSequenceNumber), replay: [] };
    }
    const items = this.itemsSince(from);
    const first = items[0];
    if (first === undefined) return { discontinuity: lost(this.lastSequenceNumber), replay: [] };
    if (samePage && first.sequenceNumber === from) return { discontinuity: undefined, replay: items };
    return { discontinuity: lost(first.sequenceNumber - 1), replay: items };
  }

  /** Retained items with a sequence number >= `from`, oldest first. */
  private itemsSince(from: number): WireTopicItem[] {
    let low = Math.max(0, this.retained.length - this.capacity);
    let high = this.retained.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.retained[middle]!.sequenceNumber < from) low = middle + 1;
      else high = middle;
    }
    return this.retained.slice(low);
  }
}
