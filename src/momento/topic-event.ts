/**
 * One message of a topic, as {@link topicEvents} and {@link topicItems} emit it.
 *
 * @example
 * ```ts
 * const item: TopicItemEvent = { type: 'item', value: 'hello', sequenceNumber: 7, publisherId: '' };
 * ```
 */
export interface TopicItemEvent {
  /** Discriminant: a published item. */
  readonly type: 'item';
  /** The published value: a string for text, a `Uint8Array` for bytes (an empty string arrives as empty bytes). */
  readonly value: string | Uint8Array;
  /** Per-topic sequence number; only moves forward within a sequence page. */
  readonly sequenceNumber: number;
  /**
   * The sequence page of the item (with `sequenceNumber`, the position to store and resume after);
   * `undefined` when the client is not a `TopicClient` of the SDK (a stand-in).
   */
  readonly sequencePage?: number | undefined;
  /** The publisher's token id (`''` for an anonymous publisher, `undefined` when the service sent none). */
  readonly publisherId: string | undefined;
}

/**
 * The service's sign of life on an idle subscription (also the first message of every stream).
 *
 * @example
 * ```ts
 * events$.pipe(filter((e): e is TopicHeartbeatEvent => e.type === 'heartbeat'));
 * ```
 */
export interface TopicHeartbeatEvent {
  /** Discriminant: a heartbeat. */
  readonly type: 'heartbeat';
}

/**
 * Items were lost between `lastSequenceNumber` and `newSequenceNumber`: the service could not replay them
 * (`origin: 'service'`), or streamrx resubscribed after an error and saw the numbering jump
 * (`origin: 'resubscribe'`). The next item has a sequence number greater than `newSequenceNumber`.
 *
 * @example
 * ```ts
 * const gap: TopicDiscontinuityEvent = {
 *   type: 'discontinuity', lastSequenceNumber: 4, newSequenceNumber: 10, newSequencePage: 8, origin: 'service',
 * };
 * ```
 */
export interface TopicDiscontinuityEvent {
  /** Discriminant: a gap in the sequence. */
  readonly type: 'discontinuity';
  /** The last sequence number delivered before the gap. */
  readonly lastSequenceNumber: number;
  /** Where the topic continues: the next item comes after this number. */
  readonly newSequenceNumber: number;
  /** The sequence page after the gap; `undefined` when streamrx detected the gap and the page is unknown. */
  readonly newSequencePage: number | undefined;
  /** Who detected the gap. */
  readonly origin: 'service' | 'resubscribe';
}

/**
 * Everything a topic subscription delivers, discriminated by `type`.
 *
 * @example
 * ```ts
 * import { match } from 'ts-pattern';
 * topicEvents(client, 'cache', 'topic').subscribe((event) =>
 *   match(event)
 *     .with({ type: 'item' }, (item) => handle(item.value))
 *     .with({ type: 'discontinuity' }, (gap) => resync(gap))
 *     .with({ type: 'heartbeat' }, () => {})
 *     .exhaustive());
 * ```
 */
export type TopicEvent = TopicItemEvent | TopicHeartbeatEvent | TopicDiscontinuityEvent;
