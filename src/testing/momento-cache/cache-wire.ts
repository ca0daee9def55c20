import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/**
 * Hand-written protobuf codec of the `cache_client` messages the cache emulator serves (field numbers
 * from Momento's `cacheclient.proto`, as `@gomomento/generated-types` encodes them).
 */

/** `ECacheResult`. */
export const CacheResult = { Invalid: 0, Ok: 1, Hit: 2, Miss: 3 } as const;

/** The `condition` oneof of `_SetIfRequest`. */
export type WireSetCondition =
  | { kind: 'present' }
  | { kind: 'presentAndNotEqual'; valueToCheck: Uint8Array }
  | { kind: 'absent' }
  | { kind: 'equal'; valueToCheck: Uint8Array }
  | { kind: 'absentOrEqual'; valueToCheck: Uint8Array }
  | { kind: 'notEqual'; valueToCheck: Uint8Array };

/** `_GetRequest` / `_DeleteRequest`. */
export interface WireKeyRequest {
  key: Uint8Array;
}

/** `_SetRequest`. */
export interface WireSetRequest {
  key: Uint8Array;
  value: Uint8Array;
  ttlMilliseconds: number;
}

/** `_SetIfRequest`. */
export interface WireSetIfRequest extends WireSetRequest {
  condition: WireSetCondition | undefined;
}

/** `_GetResponse`. */
export interface WireGetResponse {
  result: number;
  value: Uint8Array;
}

const CONDITIONS: Record<number, WireSetCondition['kind']> = {
  4: 'present',
  5: 'presentAndNotEqual',
  6: 'absent',
  7: 'equal',
  8: 'absentOrEqual',
  9: 'notEqual',
};
const FIELD_OF_CONDITION = Object.fromEntries(Object.entries(CONDITIONS).map(([field, kind]) => [kind, Number(field)])) as Record<
  WireSetCondition['kind'],
  number
>;

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes `_GetRequest` or `_DeleteRequest` (both carry only `cache_key = 1`). */
export function decodeKeyRequest(bytes: Uint8Array): WireKeyRequest {
  const reader = new BinaryReader(bytes);
  let key = new Uint8Array(0);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) key = reader.bytes().slice();
    else reader.skip(wireType, field);
  }
  return { key };
}

/** Encodes `_GetRequest` or `_DeleteRequest`. */
export function encodeKeyRequest(request: WireKeyRequest): Buffer {
  return toBuffer(new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(request.key).finish());
}

function readValueToCheck(bytes: Uint8Array): Uint8Array {
  const reader = new BinaryReader(bytes);
  let value = new Uint8Array(0);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) value = reader.bytes().slice();
    else reader.skip(wireType, field);
  }
  return value;
}

/** Decodes `_SetRequest` and `_SetIfRequest` (a `_SetRequest` simply has no condition). */
export function decodeSetIfRequest(bytes: Uint8Array): WireSetIfRequest {
  const reader = new BinaryReader(bytes);
  const request: WireSetIfRequest = { key: new Uint8Array(0), value: new Uint8Array(0), ttlMilliseconds: 0, condition: undefined };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    const kind = CONDITIONS[field];
    if (field === 1) request.key = reader.bytes().slice();
    else if (field === 2) request.value = reader.bytes().slice();
    else if (field === 3) request.ttlMilliseconds = Number(reader.uint64());
    else if (kind === 'present' || kind === 'absent') {
      reader.bytes();
      request.condition = { kind };
    } else if (kind !== undefined) request.condition = { kind, valueToCheck: readValueToCheck(reader.bytes()) };
    else reader.skip(wireType, field);
  }
  return request;
}

/** Encodes `_SetRequest` / `_SetIfRequest` (for tests that speak the wire without the SDK). */
export function encodeSetIfRequest(request: WireSetIfRequest): Buffer {
  const writer = new BinaryWriter()
    .tag(1, WireType.LengthDelimited)
    .bytes(request.key)
    .tag(2, WireType.LengthDelimited)
    .bytes(request.value)
    .tag(3, WireType.Varint)
    .uint64(request.ttlMilliseconds);
  const condition = request.condition;
  if (condition) {
    writer.tag(FIELD_OF_CONDITION[condition.kind], WireType.LengthDelimited).fork();
    if ('valueToCheck' in condition) writer.tag(1, WireType.LengthDelimited).bytes(condition.valueToCheck);
    writer.join();
  }
  return toBuffer(writer.finish());
}

/** Encodes `_GetResponse`. */
export function encodeGetResponse(response: WireGetResponse): Buffer {
  const writer = new BinaryWriter().tag(1, WireType.Varint).int32(response.result);
  if (response.value.length > 0) writer.tag(2, WireType.LengthDelimited).bytes(response.value);
  return toBuffer(writer.finish());
}

/** Decodes `_GetResponse`. */
export function decodeGetResponse(bytes: Uint8Array): WireGetResponse {
  const reader = new BinaryReader(bytes);
  const response: WireGetResponse = { result: CacheResult.Invalid, value: new Uint8Array(0) };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) response.result = reader.int32();
    else if (field === 2) response.value = reader.bytes().slice();
    else reader.skip(wireType, field);
  }
  return response;
}

/** Encodes `_SetResponse` (`result = Ok`). */
export function encodeSetResponse(): Buffer {
  return toBuffer(new BinaryWriter().tag(1, WireType.Varint).int32(CacheResult.Ok).finish());
}

/** Encodes an empty message (`_DeleteResponse`). */
export function encodeEmptyResponse(): Buffer {
  return Buffer.alloc(0);
}

/** Encodes `_SetIfResponse`: the `stored` (1) or `not_stored` (2) member, each an empty message. */
export function encodeSetIfResponse(stored: boolean): Buffer {
  return toBuffer(new BinaryWriter().tag(stored ? 1 : 2, WireType.LengthDelimited).bytes(new Uint8Array(0)).finish());
}

/** Decodes `_SetIfResponse` into whether the value was stored. */
export function decodeSetIfResponse(bytes: Uint8Array): boolean {
  const reader = new BinaryReader(bytes);
  let stored = false;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) stored = true;
    if (field === 1 || field === 2) reader.bytes();
    else reader.skip(wireType, field);
  }
  return stored;
}
