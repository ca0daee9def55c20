import { share, Subject, Subscription, tap, type Observable } from 'rxjs';
import type { Event, Mixi2Api, Mixi2Client, Mixi2EventsOptions } from '../src/mixi2/index.js';
import { Meter } from './meter.js';
import { reconnectsOf, type SourceLink } from './source-link.js';

/** A mixi2 client as the recipes use it: one shared event stream and a counted API. */
export interface Mixi2Link extends SourceLink {
  readonly source: 'mixi2';
  /** The application's events, one `SubscribeEvents` call however many pipelines subscribe. */
  readonly events$: Observable<Event>;
  /** The API; each call that answers counts `out`, each failure counts `errors`. */
  readonly api: Mixi2Api;
  /** The client underneath. */
  readonly client: Mixi2Client;
}

/**
 * Wraps a {@link Mixi2Client}: shares its event stream (mixi2 documents one stream per application),
 * counts events in, API calls out, reconnects and gaps.
 *
 * @example
 * ```ts
 * const link = mixi2Link(mixi2Client({ auth }), { reconnect: { initialDelay: 250 } }, true);
 * link.events$.subscribe(console.log);
 * ```
 */
export function mixi2Link(client: Mixi2Client, eventsOptions: Mixi2EventsOptions = {}, real = false): Mixi2Link {
  const meter = new Meter();
  const reconnects = new Subject<void>();
  const gaps = new Subject<void>();
  const watchers = new Subscription();
  watchers.add(reconnectsOf(client.state$).subscribe(() => (meter.add('reconnects'), reconnects.next())));
  watchers.add(client.gaps$.subscribe(() => (meter.add('gaps'), gaps.next())));
  const events$ = client.events(eventsOptions).pipe(
    tap({ next: () => meter.add('in'), error: () => meter.add('errors') }),
    share(),
  );
  return {
    source: 'mixi2',
    real,
    meter,
    reconnects$: reconnects.asObservable(),
    gaps$: gaps.asObservable(),
    events$,
    api: countedApi(client.api, meter),
    client,
    close: () => watchers.unsubscribe(),
  };
}

/** The same API, every call counted: a proxy, so it follows whatever methods the client has. */
function countedApi(api: Mixi2Api, meter: Meter): Mixi2Api {
  return new Proxy(api, {
    get: (target, property, receiver) => {
      const member: unknown = Reflect.get(target, property, receiver);
      if (typeof member !== 'function') return member;
      return (request?: unknown) =>
        (member as (request?: unknown) => Observable<unknown>).call(target, request).pipe(tap({ next: () => meter.add('out'), error: () => meter.add('errors') }));
    },
  });
}
