import { filter, map, pairwise, startWith, type Observable } from 'rxjs';
import type { ConnectionState } from '../src/index.js';
import type { Meter, SourceName } from './meter.js';

/**
 * One connection to a service as the recipes use it: counted operations plus signals of its reconnects
 * and gaps. `meter` counts at the source: events delivered into pipelines, calls that succeeded or failed.
 *
 * @example
 * ```ts
 * link.reconnects$.subscribe(() => console.warn(`${link.source} reconnecting`));
 * ```
 */
export interface SourceLink {
  /** Which service. */
  readonly source: SourceName;
  /** `true` when connected as the environment says (the real service, usually); `false` for an in-process emulator. */
  readonly real: boolean;
  /** Counters of the connection. */
  readonly meter: Meter;
  /** Emits once each time the connection starts reconnecting (hot). */
  readonly reconnects$: Observable<unknown>;
  /** Emits once per unrecoverable loss (hot). */
  readonly gaps$: Observable<unknown>;
  /** Releases the link's own watchers (clients close when their last subscriber leaves). */
  close(): void;
}

/**
 * One emission per transition into `'reconnecting'` of a `state$`.
 *
 * @example
 * ```ts
 * reconnectsOf(client.state$).subscribe(() => meter.add('reconnects'));
 * ```
 */
export function reconnectsOf(state$: Observable<ConnectionState>): Observable<void> {
  return state$.pipe(
    startWith<ConnectionState>('closed'),
    pairwise(),
    filter(([previous, next]) => next === 'reconnecting' && previous !== 'reconnecting'),
    map(() => undefined),
  );
}
