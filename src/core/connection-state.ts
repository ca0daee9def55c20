/**
 * The life cycle of a client's connection, as every client's `state$` emits it:
 * `'connecting'` (first attempt), `'open'`, `'reconnecting'` (after a drop, during backoff and the new
 * attempt), `'closed'` (nobody subscribed, or a terminal error).
 *
 * @example
 * ```ts
 * client.state$.pipe(filter((s): s is ConnectionState => s === 'reconnecting')).subscribe(() => alert());
 * ```
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';
