import type { TopicDiscontinuityEvent, TopicHeartbeatEvent, TopicItemEvent } from '../../momento/topic-event.js';

let sequence = 0;

/**
 * A topic item as `topicEvents`/`topicItems` emit it: a text value, the next sequence number of this
 * process's test run, an anonymous publisher. Every field can be overridden.
 *
 * @example
 * ```ts
 * cold('ab', { a: buildTopicItem({ value: 'first' }), b: buildTopicItem({ value: new Uint8Array([1, 2]) }) });
 * ```
 */
export function buildTopicItem(overrides: Partial<Omit<TopicItemEvent, 'type'>> = {}): TopicItemEvent {
  return { type: 'item', value: 'hello', sequenceNumber: ++sequence, publisherId: '', ...overrides };
}

/**
 * A topic heartbeat (the service's sign of life on an idle subscription).
 *
 * @example
 * ```ts
 * cold('h 59s h', { h: buildTopicHeartbeat() });
 * ```
 */
export function buildTopicHeartbeat(): TopicHeartbeatEvent {
  return { type: 'heartbeat' };
}

/**
 * A discontinuity reported by the service: items after `lastSequenceNumber` up to `newSequenceNumber` were lost.
 *
 * @example
 * ```ts
 * buildTopicDiscontinuity({ lastSequenceNumber: 4, newSequenceNumber: 10 });
 * ```
 */
export function buildTopicDiscontinuity(overrides: Partial<Omit<TopicDiscontinuityEvent, 'type'>> = {}): TopicDiscontinuityEvent {
  return { type: 'discontinuity', lastSequenceNumber: 1, newSequenceNumber: 5, newSequencePage: 1, origin: 'service', ...overrides };
}
