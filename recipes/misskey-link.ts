import { filter, Subject, Subscription, tap, type Observable } from 'rxjs';
import type { ChannelMessage, ChannelName, ChannelParams, EndpointName, EndpointParams, EndpointResponse, MisskeyClient, NoteUpdate } from '../src/misskey/index.js';
import { Meter } from './meter.js';
import { reconnectsOf, type SourceLink } from './source-link.js';

/** A Misskey client as the recipes use it: counted channels, note updates and API calls. */
export interface MisskeyLink extends SourceLink {
  readonly source: 'misskey';
  /** `client.channel()`, each message counted `in`. */
  channel<C extends ChannelName>(name: C, params?: ChannelParams<C>): Observable<ChannelMessage<C>>;
  /** `client.noteUpdates()`, each update counted `in`. */
  noteUpdates(noteId: string): Observable<NoteUpdate>;
  /** `client.api()`, each answer counted `out`, each failure `errors`. */
  api<E extends EndpointName>(endpoint: E, params?: EndpointParams<E>): Observable<EndpointResponse<E>>;
  /** The client underneath. */
  readonly client: MisskeyClient;
}

/**
 * Wraps a {@link MisskeyClient} (whose socket is already shared) with counters; a gap-fill that could not
 * recover everything counts as a gap.
 *
 * @example
 * ```ts
 * const link = misskeyLink(misskey({ origin, token }), true);
 * link.channel('homeTimeline').subscribe((m) => console.log(m.body.text));
 * ```
 */
export function misskeyLink(client: MisskeyClient, real = false): MisskeyLink {
  const meter = new Meter();
  const reconnects = new Subject<void>();
  const gaps = new Subject<void>();
  const watchers = new Subscription();
  watchers.add(reconnectsOf(client.state$).subscribe(() => (meter.add('reconnects'), reconnects.next())));
  watchers.add(client.gapFills$.pipe(filter((fill) => !fill.complete)).subscribe(() => (meter.add('gaps'), gaps.next())));
  const countIn = <T>(source: Observable<T>): Observable<T> => source.pipe(tap({ next: () => meter.add('in'), error: () => meter.add('errors') }));
  return {
    source: 'misskey',
    real,
    meter,
    reconnects$: reconnects.asObservable(),
    gaps$: gaps.asObservable(),
    channel: (name, params) => countIn(client.channel(name, params)),
    noteUpdates: (noteId) => countIn(client.noteUpdates(noteId)),
    api: (endpoint, params) => client.api(endpoint, params).pipe(tap({ next: () => meter.add('out'), error: () => meter.add('errors') })),
    client,
    close: () => watchers.unsubscribe(),
  };
}
