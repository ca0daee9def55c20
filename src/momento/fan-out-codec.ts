import { ProtocolError } from '../core/errors.js';
import { Event } from '../mixi2/gen/social/mixi/application/model/v1/event.js';

/**
 * How {@link fanOutTo} serialises values and workers read them back, with the partition key of each value.
 *
 * @example
 * ```ts
 * const orders: FanOutCodec<Order> = {
 *   tag: 3,
 *   key: (o) => o.customerId,
 *   encode: (o) => new TextEncoder().encode(JSON.stringify(o)),
 *   decode: (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as Order,
 * };
 * ```
 */
export interface FanOutCodec<T> {
  /** The codec tag written into the envelope; a reader refuses messages of another tag. */
  readonly tag: number;
  /** The partition key of a value: values with the same key go to the same worker. */
  key(value: T): string;
  /** Serialises a value. */
  encode(value: T): Uint8Array;
  /** Reads a value back; may throw (the reader turns it into `ProtocolError`). */
  decode(payload: Uint8Array): T;
}

/**
 * mixi2 events as protobuf bytes (the generated `Event` codec, tag 1), keyed by `eventId`.
 *
 * @example
 * ```ts
 * client.events().pipe(fanOutTo(topics, 'cache', 'mixi2-events', { codec: mixi2EventCodec })).subscribe();
 * ```
 */
export const mixi2EventCodec: FanOutCodec<Event> = Object.freeze({
  tag: 1,
  key: (event: Event) => event.eventId,
  encode: (event: Event) => Event.encode(event).finish(),
  decode: (payload: Uint8Array) => Event.decode(payload),
});

/**
 * Values as UTF-8 JSON (tag 2), keyed by `key` (for Misskey notes, `jsonCodec((note) => note.id)`).
 *
 * @example
 * ```ts
 * channel.pipe(fanOutTo(topics, 'cache', 'notes', { codec: jsonCodec((note: Note) => note.id) })).subscribe();
 * ```
 */
export function jsonCodec<T>(key: (value: T) => string): FanOutCodec<T> {
  return {
    tag: 2,
    key,
    encode: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
    decode: (payload) => JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8')) as T,
  };
}

/**
 * Misskey notes (anything with a string `id`) as JSON, keyed by note id.
 *
 * @example
 * ```ts
 * session.channel('homeTimeline').pipe(fanOutTo(topics, 'cache', 'notes', { codec: misskeyNoteCodec })).subscribe();
 * ```
 */
export const misskeyNoteCodec: FanOutCodec<{
  /** The note id, used as the partition key. */
  readonly id: string;
}> = jsonCodec((note: { readonly id: string }) => note.id);

/**
 * Decodes a payload with `codec`, turning any failure into `ProtocolError`.
 * @internal
 */
export function decodeWith<T>(codec: FanOutCodec<T>, tag: number, payload: Uint8Array): T {
  if (tag !== codec.tag) throw new ProtocolError(`fan-out message has codec tag ${tag}; this reader expects ${codec.tag}`);
  try {
    return codec.decode(payload);
  } catch (error) {
    throw new ProtocolError(`undecodable fan-out payload (${payload.length} bytes, tag ${tag})`, { cause: error });
  }
}
