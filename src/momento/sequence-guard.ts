import type { TopicDiscontinuityEvent } from './topic-event.js';

/** What to do with an incoming item. */
export type ItemVerdict =
  | { action: 'deliver' }
  | { action: 'drop' }
  | { action: 'deliver-after-gap'; gap: TopicDiscontinuityEvent };

const DELIVER: ItemVerdict = Object.freeze({ action: 'deliver' });
const DROP: ItemVerdict = Object.freeze({ action: 'drop' });

/**
 * Keeps a topic subscription's sequence numbers moving forward across every reconnect. Inside one SDK
 * subscription (which resumes at the next number by itself) an item at or below the last one is a replay
 * and is dropped. After streamrx had to open a fresh SDK subscription (which starts at the newest item),
 * the first item is compared with the last one seen: a jump or a restart becomes a discontinuity.
 */
export class SequenceGuard {
  private last: number | undefined;
  private page: number | undefined;
  private freshSession = false;

  /** A new SDK subscription starts; after the first one its first item is checked for a gap. */
  startSession(): void {
    this.freshSession = this.last !== undefined;
  }

  /** Judges an item by its sequence number and records it when delivered. */
  item(sequenceNumber: number): ItemVerdict {
    const last = this.last;
    if (this.freshSession && last !== undefined) {
      this.freshSession = false;
      this.last = sequenceNumber;
      if (sequenceNumber === last + 1) return DELIVER;
      const gap: TopicDiscontinuityEvent = {
        type: 'discontinuity',
        lastSequenceNumber: last,
        newSequenceNumber: sequenceNumber - 1,
        newSequencePage: sequenceNumber > last ? this.page : undefined,
        origin: 'resubscribe',
      };
      if (gap.newSequencePage === undefined) this.page = undefined;
      return { action: 'deliver-after-gap', gap };
    }
    if (last !== undefined && sequenceNumber <= last) return DROP;
    this.last = sequenceNumber;
    return DELIVER;
  }

  /** Records a discontinuity announced by the service: the topic continues after `newSequenceNumber`. */
  discontinuity(newSequenceNumber: number, newSequencePage: number): void {
    this.last = newSequenceNumber;
    this.page = newSequencePage;
    this.freshSession = false;
  }
}
