import { InvalidArgumentError, ProtocolError } from '../core/errors.js';

/**
 * Version byte of a fan-out envelope without trace context, the one every reader knows.
 *
 * @example
 * ```ts
 * encodeFanOutEnvelope({ key: 'k', codec: 2, payload })[0] === FAN_OUT_ENVELOPE_VERSION; // true
 * ```
 */
export const FAN_OUT_ENVELOPE_VERSION = 1;

/**
 * Version byte of a fan-out envelope carrying a W3C `traceparent`. Written only when a `traceParent` is
 * given, so that messages without one stay readable by workers of any version; a worker older than this
 * version refuses these with `ProtocolError` (upgrade the workers before the ingest).
 *
 * @example
 * ```ts
 * encodeFanOutEnvelope({ key: 'k', codec: 2, payload, traceParent })[0] === FAN_OUT_TRACED_ENVELOPE_VERSION; // true
 * ```
 */
export const FAN_OUT_TRACED_ENVELOPE_VERSION = 2;

/** A W3C trace context `traceparent`: version, trace id, parent span id, flags, in lower-case hex. */
const TRACE_PARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

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
  /**
   * The W3C `traceparent` of the span that published it (`00-<trace id>-<span id>-<flags>`), so that a
   * worker's spans can link to the ingest's. @default absent (a version 1 envelope)
   */
  readonly traceParent?: string;
}

/**
 * Writes a fan-out envelope, the bytes published on the topic:
 *
 * ```text
 * byte 0      version (1, or 2 with a traceparent)
 * byte 1      codec tag (1 = mixi2 Event protobuf, 2 = UTF-8 JSON, 0 and 3-255 = user codecs)
 * bytes 2-3   key length N, unsigned big-endian (at most 65535)
 * bytes 4..   the key, N bytes of UTF-8
 * version 2:  one byte T, then the traceparent, T bytes of ASCII
 * then        the payload, to the end of the message
 * ```
 *
 * A worker reads the key without decoding the payload, so dropping other workers' partitions costs only a
 * few bytes of parsing. Throws `InvalidArgumentError` for a key over 65535 UTF-8 bytes, a tag out of range or
 * a `traceParent` that is not a W3C traceparent.
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
  const trace = traceFieldOf(envelope.traceParent);
  const bytes = new Uint8Array(HEADER_BYTES + key.length + trace.length + envelope.payload.length);
  bytes[0] = trace.length === 0 ? FAN_OUT_ENVELOPE_VERSION : FAN_OUT_TRACED_ENVELOPE_VERSION;
  bytes[1] = envelope.codec;
  bytes[2] = key.length >> 8;
  bytes[3] = key.length & 0xff;
  bytes.set(key, HEADER_BYTES);
  bytes.set(trace, HEADER_BYTES + key.length);
  bytes.set(envelope.payload, HEADER_BYTES + key.length + trace.length);
  return bytes;
}

/** The version 2 trace field (length byte, then the traceparent), empty without one. */
function traceFieldOf(traceParent: string | undefined): Uint8Array {
  if (traceParent === undefined) return new Uint8Array(0);
  if (!TRACE_PARENT.test(traceParent)) throw new InvalidArgumentError('fan-out traceParent must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)');
  const field = new Uint8Array(1 + traceParent.length);
  field[0] = traceParent.length;
  field.set(Buffer.from(traceParent, 'ascii'), 1);
  return field;
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
  const version = value[0];
  if (version !== FAN_OUT_ENVELOPE_VERSION && version !== FAN_OUT_TRACED_ENVELOPE_VERSION) throw new ProtocolError(`unknown fan-out envelope version ${String(version)}`);
  const keyLength = ((value[2] ?? 0) << 8) | (value[3] ?? 0);
  const keyEnd = HEADER_BYTES + keyLength;
  if (keyEnd > value.length) throw new ProtocolError(`fan-out key of ${keyLength} bytes overruns a ${value.length}-byte message`);
  const key = Buffer.from(value.buffer, value.byteOffset + HEADER_BYTES, keyLength).toString('utf8');
  if (version === FAN_OUT_ENVELOPE_VERSION) return { key, codec: value[1] ?? 0, payload: value.subarray(keyEnd) };
  const traceLength = value[keyEnd];
  if (traceLength === undefined || keyEnd + 1 + traceLength > value.length) throw new ProtocolError(`fan-out traceparent overruns a ${value.length}-byte message`);
  const traceParent = Buffer.from(value.buffer, value.byteOffset + keyEnd + 1, traceLength).toString('ascii');
  return { key, codec: value[1] ?? 0, payload: value.subarray(keyEnd + 1 + traceLength), traceParent };
}
