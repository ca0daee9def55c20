import { InvalidArgumentError, ProtocolError } from '../core/errors.js';

/**
 * Version byte of the fan-out envelope; a reader refuses any other.
 *
 * @example
 * ```ts
 * encodeFanOutEnvelope({ key: 'k', codec: 2, payload })[0] === FAN_OUT_ENVELOPE_VERSION; // true
 * ```
 */
export const FAN_OUT_ENVELOPE_VERSION = 1;

const HEADER_BYTES = 4;
const MAX_KEY_BYTES = 0xffff;

/**
 * One fan-out message, decoded from its envelope: the partition key, the codec tag and the payload bytes.
 *
 * @example
 * ```ts
 * const envelope: FanOutEnvelope = { key: 'event-1', codec: 1, payload: new Uint8Array([0x0a]) };
 * ```
 */
export interface FanOutEnvelope {
  /** The partition key (for mixi2 events the event id, for Misskey notes the note id). */
  readonly key: string;
  /** Which codec wrote the payload (1 mixi2 `Event` protobuf, 2 JSON, others free for your own codecs). */
  readonly codec: number;
  /** The serialised value. */
  readonly payload: Uint8Array;
}

/**
 * Writes a fan-out envelope, the bytes published on the topic:
 *
 * ```text
 * byte 0      version (1)
 * byte 1      codec tag (1 = mixi2 Event protobuf, 2 = UTF-8 JSON, 0 and 3-255 = user codecs)
 * bytes 2-3   key length N, unsigned big-endian (at most 65535)
 * bytes 4..   the key, N bytes of UTF-8
 * then        the payload, to the end of the message
 * ```
 *
 * A worker reads the key without decoding the payload, so dropping other workers' partitions costs only a
 * few bytes of parsing. Throws `InvalidArgumentError` for a key over 65535 UTF-8 bytes or a tag out of range.
 *
 * @example
 * ```ts
 * const bytes = encodeFanOutEnvelope({ key: 'note-1', codec: 2, payload: new TextEncoder().encode('{"id":"note-1"}') });
 * ```
 */
export function encodeFanOutEnvelope(envelope: FanOutEnvelope): Uint8Array {
  const key = Buffer.from(envelope.key, 'utf8');
  if (key.length > MAX_KEY_BYTES) throw new InvalidArgumentError(`fan-out key is ${key.length} bytes long; at most ${MAX_KEY_BYTES}`);
  if (!Number.isInteger(envelope.codec) || envelope.codec < 0 || envelope.codec > 255) {
    throw new InvalidArgumentError(`fan-out codec tag must be an integer in [0, 255], got ${envelope.codec}`);
  }
  const bytes = new Uint8Array(HEADER_BYTES + key.length + envelope.payload.length);
  bytes[0] = FAN_OUT_ENVELOPE_VERSION;
  bytes[1] = envelope.codec;
  bytes[2] = key.length >> 8;
  bytes[3] = key.length & 0xff;
  bytes.set(key, HEADER_BYTES);
  bytes.set(envelope.payload, HEADER_BYTES + key.length);
  return bytes;
}

/**
 * Reads a fan-out envelope written by {@link encodeFanOutEnvelope} (the payload is a view, not a copy).
 * Anything else (text, another version, a truncated header or key) fails with `ProtocolError`.
 *
 * @example
 * ```ts
 * const { key, codec, payload } = decodeFanOutEnvelope(item.value);
 * ```
 */
export function decodeFanOutEnvelope(value: string | Uint8Array): FanOutEnvelope {
  if (typeof value === 'string') throw new ProtocolError('fan-out message is text; a fan-out envelope is bytes');
  if (value.length < HEADER_BYTES) throw new ProtocolError(`fan-out message of ${value.length} bytes is shorter than the envelope header`);
  if (value[0] !== FAN_OUT_ENVELOPE_VERSION) throw new ProtocolError(`unknown fan-out envelope version ${String(value[0])}`);
  const keyLength = ((value[2] ?? 0) << 8) | (value[3] ?? 0);
  const payloadStart = HEADER_BYTES + keyLength;
  if (payloadStart > value.length) throw new ProtocolError(`fan-out key of ${keyLength} bytes overruns a ${value.length}-byte message`);
  const key = Buffer.from(value.buffer, value.byteOffset + HEADER_BYTES, keyLength).toString('utf8');
  return { key, codec: value[1] ?? 0, payload: value.subarray(payloadStart) };
}
