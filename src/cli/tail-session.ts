import type { Observable } from 'rxjs';
import type { ConnectionState } from '../core/connection-state.js';

/**
 * One `streamrx tail` source, ready to be subscribed: its events already in their printed (JSON-able)
 * shape, its connection state, its notices (gaps, …) and its own cleanup (an in-process emulator).
 *
 * @example
 * ```ts
 * const session: TailSession = await openMomentoTail({ cacheName: 'c', topic: 't', emulator: true });
 * session.events$.subscribe(console.log);
 * ```
 */
export interface TailSession {
  /** Names the source and where it is reached, for messages, e.g. `'misskey localTimeline at http://…'`. */
  readonly target: string;
  /** The events to print, cold. */
  readonly events$: Observable<unknown>;
  /** Connection states, for diagnostics. */
  readonly state$: Observable<ConnectionState>;
  /** Human-readable notices for stderr (gaps, discontinuities). */
  readonly notices$: Observable<string>;
  /** Releases what the session started besides the subscription (emulator, traffic). */
  close(): Promise<void>;
}
