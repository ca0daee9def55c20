// The type-only modules of misskey-js, not its index: the index also types its browser client (DOM's
// RequestCache, a CommonJS default import that breaks under bundler resolution), which a consumer would
// then have to compile.
import type { Endpoints, SwitchCaseResponseType } from 'misskey-js/api.types.js';
import type { endpointReqTypes } from 'misskey-js/autogen/endpoint.js';
import type * as entities from 'misskey-js/entities.js';
import type { BroadcastEvents, Channels } from 'misskey-js/streaming.types.js';
import type { FileValue } from './file-value.js';

/** Every channel name Misskey's streaming API knows, as typed by `misskey-js`. */
export type ChannelName = keyof Channels;

/** The `connect` params of channel `C` (`null`/`undefined` for channels without params). */
export type ChannelParams<C extends ChannelName> = Channels[C]['params'];

/**
 * The events channel `C` emits, as `misskey-js` types them: event name → listener signature.
 * @example
 * ```ts
 * type TimelineEvents = EventsOf<'homeTimeline'>; // { note: (payload: Note) => void }
 * ```
 */
export type EventsOf<C extends ChannelName> = Channels[C]['events'];

/**
 * The payload of event listener type `E`: its single parameter's type, `undefined` for a listener without
 * parameters, `E` itself if it is not a function type.
 * @example
 * ```ts
 * type N = PayloadOf<(payload: Note) => void>; // Note
 * type U = PayloadOf<() => void>; // undefined
 * ```
 */
export type PayloadOf<E> = E extends (payload: infer P) => void ? P : E extends () => void ? undefined : E;

/**
 * One message of channel `C`: a discriminated union on `type` (the channel event name) whose `body` is
 * that event's payload, e.g. `{ type: 'note', body: Note }` for timelines.
 * @example
 * ```ts
 * client.channel('main').subscribe((m) => {
 *   if (m.type === 'notification') console.log(m.body.type); // m.body: Notification
 * });
 * ```
 */
export type ChannelMessage<C extends ChannelName> = C extends ChannelName
  ? {
      [E in keyof EventsOf<C> & string]: {
        /** The channel event name, e.g. `note`. */
        type: E;
        /** That event's payload. */
        body: PayloadOf<EventsOf<C>[E]>;
      };
    }[keyof EventsOf<C> & string]
  : never;

/**
 * What channel `C` accepts through `ch` messages (`never` for channels that accept nothing).
 * @example
 * ```ts
 * const send$: Observable<ChannelOutbound<'serverStats'>> = of({ type: 'requestLog', body: { id: 'a', length: 30 } });
 * ```
 */
export type ChannelOutbound<C extends ChannelName> = C extends ChannelName
  ? Channels[C]['receives'] extends null
    ? never
    : {
        [T in keyof Channels[C]['receives'] & string]: {
          /** The message name the channel accepts, e.g. `requestLog`. */
          type: T;
          /** That message's body. */
          body: Channels[C]['receives'][T];
        };
      }[keyof Channels[C]['receives'] & string]
  : never;

/** The `noteUpdated` event of the current protocol, as `misskey-js` types it. */
export type NoteUpdatedEvent = PayloadOf<BroadcastEvents['noteUpdated']>;

/**
 * One update of a followed note: the current protocol's `noteUpdated` deltas (`reacted`, `unreacted`,
 * `pollVoted`, `deleted`), the server's experimental `updated` (text edit, not typed by misskey-js), or,
 * on the legacy protocol, a `snapshot` carrying the whole note from a `note-updated` frame.
 * @example
 * ```ts
 * client.noteUpdates(id).subscribe((u) => u.type === 'reacted' && console.log(u.body.reaction));
 * ```
 */
export type NoteUpdate =
  | NoteUpdatedEvent
  | {
      /** The note's id. */
      id: string;
      /** A text edit. */
      type: 'updated';
      /** The note's new content. */
      body: {
        /** The new content warning (`null`: none). */
        cw: string | null;
        /** The new text. */
        text: string;
      };
    }
  | {
      /** The note's id. */
      id: string;
      /** The whole note, from a legacy `note-updated` frame. */
      type: 'snapshot';
      /** The note as the server sent it. */
      body: {
        /** The updated note. */
        note: entities.Note;
      };
    };

/** Names of the server-wide broadcast events. */
export type BroadcastType = 'emojiAdded' | 'emojiUpdated' | 'emojiDeleted' | 'announcementCreated';

/**
 * One broadcast: `{ type, body }` with the payload `misskey-js` types for that event.
 * @example
 * ```ts
 * client.broadcasts().pipe(filter((b) => b.type === 'emojiAdded')).subscribe((b) => console.log(b.body));
 * ```
 */
export type BroadcastMessage = {
  [T in BroadcastType]: {
    /** The broadcast event name. */
    type: T;
    /** That event's payload. */
    body: PayloadOf<BroadcastEvents[T]>;
  };
}[BroadcastType];

/** Every HTTP API endpoint name, as typed by `misskey-js`. */
export type EndpointName = keyof Endpoints;

/** The request body of endpoint `E` (without the credential `i`). */
export type EndpointParams<E extends EndpointName> = Endpoints[E]['req'];

/**
 * `T` with every param that misskey-js types as a `Blob` also accepting any {@link FileValue}
 * (`Uint8Array`, a sized stream).
 * @example
 * ```ts
 * type Upload = WithFileValues<{ file: Blob; name?: string | null }>; // { file: FileValue; name?: string | null }
 * ```
 */
export type WithFileValues<T> = T extends object ? { [K in keyof T]: NonNullable<T[K]> extends Blob ? FileValue | Exclude<T[K], Blob> : T[K] } : T;

/** The endpoints misskey-js types as `multipart/form-data` (`drive/files/create`). */
export type MultipartEndpointName = keyof typeof endpointReqTypes;

/**
 * The params `api()` takes for endpoint `E`: misskey-js's request type, with the file params of the
 * multipart endpoints widened to {@link FileValue} (e.g. `drive/files/create`'s `file`).
 * @example
 * ```ts
 * const params: ApiParams<'drive/files/create'> = { file: new Uint8Array(png), name: 'cat.png' };
 * ```
 */
export type ApiParams<E extends EndpointName> = EndpointParams<E> | (E extends MultipartEndpointName ? WithFileValues<EndpointParams<E>> : never);

/**
 * The response of endpoint `E` for params `P` (resolves misskey-js's `$switch` responses).
 * @example
 * ```ts
 * type Created = EndpointResponse<'notes/create'>; // { createdNote: Note }
 * ```
 */
export type EndpointResponse<E extends EndpointName, P extends ApiParams<E> = ApiParams<E>> = SwitchCaseResponseType<E, P & EndpointParams<E>>;

/** A note as the server packs it. */
export type Note = entities.Note;

/** A file in a user's drive, as `drive/files/create` answers it (`id`, `md5`, `size`, `type`, `url`, …). */
export type DriveFile = entities.DriveFile;
