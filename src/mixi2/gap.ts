/**
 * A stretch during which the event stream was down after having been open. mixi2 does not replay events,
 * so anything posted between `at` and the next `'open'` on `state$` is lost to the stream; a pipeline can
 * react (backfill through the API, alert, switch to webhooks).
 *
 * @example
 * ```ts
 * client.gaps$.subscribe((gap) => log.warn(`event gap after ${gap.lastEventId ?? 'start'}: ${gap.reason}`));
 * ```
 */
export interface Mixi2Gap {
  /** When the open stream was lost (epoch ms). */
  at: number;
  /** The retry that follows (1 for the first after a healthy stream; 0 for an immediate token-refresh reconnect). */
  attempt: number;
  /** Id of the last event delivered before the loss, if any. */
  lastEventId?: string;
  /** What ended the stream, without secrets. */
  reason: string;
  /** The error that ended the stream. */
  error: unknown;
}
