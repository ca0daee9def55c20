import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/**
 * Hand-written protobuf codec of the `cache_client.pubsub` messages (field numbers from the Momento
 * `cachepubsub.proto`), so the emulator needs neither google-protobuf nor generated code.
 */

/** A topic value: text or bytes (`_TopicValue` oneof). */
export type WireTopicValue = string | Uint8Array;

/** `_PublishRequest`. */
export interface WirePublishRequest {
  cacheName: string;
  topic: string;
  value: WireTopicValue | undefined;
}

/** `_SubscriptionRequest`. */
export interface WireSubscriptionRequest {
  cacheName: string;
  topic: string;
  resumeAtSequenceNumber: number;
  sequencePage: number;
}

/** `_TopicItem`. */
export interface WireTopicItem {
  sequenceNumber: number;
  value: WireTopicValue;
  publisherId: string;
  sequencePage: number;
}

/**
 * `_Discontinuity`: the topic continues after `newSequenceNumber` on `newSequencePage`.
 *
 * @example
 * ```ts
 * const gap = emulator.discontinuity('cache', 'topic', { skip: 2 }); // { lastSequenceNumber: 3, newSequenceNumber: 5, newSequencePage: 1 }
 * ```
 */
export interface WireDiscontinuity {
  /** The last sequence number delivered before the gap. */
  lastSequenceNumber: number;
  /** Where the topic continues: the next item comes after this number. */
  newSequenceNumber: number;
  /** The sequence page after the gap. */
  newSequencePage: number;
}

/** `_SubscriptionItem`, a oneof of item, discontinuity or heartbeat. */
export type WireSubscriptionItem =
  | { kind: 'item'; item: WireTopicItem }
  | { kind: 'discontinuity'; discontinuity: WireDiscontinuity }
  | { kind: 'heartbeat' };

const EMPTY = Buffer.alloc(0);

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readNumber(reader: BinaryReader): number {
  return Number(reader.uint64());
}

function readTopicValue(bytes: Uint8Array): WireTopicValue | undefined {
  const reader = new BinaryReader(bytes);
  let value: WireTopicValue | undefined;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) value = reader.string();
    else if (field === 2) value = reader.bytes().slice();
    else reader.skip(wireType, field);
  }
  return value;
}

function writeTopicValue(writer: BinaryWriter, field: number, value: WireTopicValue): void {
  writer.tag(field, WireType.LengthDelimited).fork();
  if (typeof value === 'string') writer.tag(1, WireType.LengthDelimited).string(value);
  else writer.tag(2, WireType.LengthDelimited).bytes(value);
  writer.join();
}

/** Decodes a `_PublishRequest`. */
export function decodePublishRequest(bytes: Uint8Array): WirePublishRequest {
  const reader = new BinaryReader(bytes);
  const request: WirePublishRequest = { cacheName: '', topic: '', value: undefined };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) request.cacheName = reader.string();
    else if (field === 2) request.topic = reader.string();
    else if (field === 3) request.value = readTopicValue(reader.bytes());
    else reader.skip(wireType, field);
  }
  return request;
}

/** Encodes a `_PublishRequest` (used by tests that speak the wire directly). */
export function encodePublishRequest(request: WirePublishRequest): Buffer {
  const writer = new BinaryWriter();
  if (request.cacheName) writer.tag(1, WireType.LengthDelimited).string(request.cacheName);
  if (request.topic) writer.tag(2, WireType.LengthDelimited).string(request.topic);
  if (request.value !== undefined) writeTopicValue(writer, 3, request.value);
  return toBuffer(writer.finish());
}

/** Decodes a `_SubscriptionRequest`. */
export function decodeSubscriptionRequest(bytes: Uint8Array): WireSubscriptionRequest {
  const reader = new BinaryReader(bytes);
  const request: WireSubscriptionRequest = { cacheName: '', topic: '', resumeAtSequenceNumber: 0, sequencePage: 0 };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) request.cacheName = reader.string();
    else if (field === 2) request.topic = reader.string();
    else if (field === 3) request.resumeAtSequenceNumber = readNumber(reader);
    else if (field === 4) request.sequencePage = readNumber(reader);
    else reader.skip(wireType, field);
  }
  return request;
}

/** Encodes a `_SubscriptionRequest`. */
export function encodeSubscriptionRequest(request: WireSubscriptionRequest): Buffer {
  const writer = new BinaryWriter();
  if (request.cacheName) writer.tag(1, WireType.LengthDelimited).string(request.cacheName);
  if (request.topic) writer.tag(2, WireType.LengthDelimited).string(request.topic);
  if (request.resumeAtSequenceNumber) writer.tag(3, WireType.Varint).uint64(request.resumeAtSequenceNumber);
  if (request.sequencePage) writer.tag(4, WireType.Varint).uint64(request.sequencePage);
  return toBuffer(writer.finish());
}

/** Encodes a `_SubscriptionItem`. */
export function encodeSubscriptionItem(message: WireSubscriptionItem): Buffer {
  const writer = new BinaryWriter();
  if (message.kind === 'heartbeat') {
    writer.tag(3, WireType.LengthDelimited).fork().join();
  } else if (message.kind === 'item') {
    const { item } = message;
    writer.tag(1, WireType.LengthDelimited).fork();
    if (item.sequenceNumber) writer.tag(1, WireType.Varint).uint64(item.sequenceNumber);
    writeTopicValue(writer, 2, item.value);
    if (item.publisherId) writer.tag(3, WireType.LengthDelimited).string(item.publisherId);
    if (item.sequencePage) writer.tag(4, WireType.Varint).uint64(item.sequencePage);
    writer.join();
  } else {
    const { discontinuity } = message;
    writer.tag(2, WireType.LengthDelimited).fork();
    if (discontinuity.lastSequenceNumber) writer.tag(1, WireType.Varint).uint64(discontinuity.lastSequenceNumber);
    if (discontinuity.newSequenceNumber) writer.tag(2, WireType.Varint).uint64(discontinuity.newSequenceNumber);
    if (discontinuity.newSequencePage) writer.tag(3, WireType.Varint).uint64(discontinuity.newSequencePage);
    writer.join();
  }
  return toBuffer(writer.finish());
}

function decodeTopicItem(bytes: Uint8Array): WireTopicItem {
  const reader = new BinaryReader(bytes);
  const item: WireTopicItem = { sequenceNumber: 0, value: new Uint8Array(0), publisherId: '', sequencePage: 0 };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) item.sequenceNumber = readNumber(reader);
    else if (field === 2) item.value = readTopicValue(reader.bytes()) ?? new Uint8Array(0);
    else if (field === 3) item.publisherId = reader.string();
    else if (field === 4) item.sequencePage = readNumber(reader);
    else reader.skip(wireType, field);
  }
  return item;
}

function decodeDiscontinuity(bytes: Uint8Array): WireDiscontinuity {
  const reader = new BinaryReader(bytes);
  const result: WireDiscontinuity = { lastSequenceNumber: 0, newSequenceNumber: 0, newSequencePage: 0 };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) result.lastSequenceNumber = readNumber(reader);
    else if (field === 2) result.newSequenceNumber = readNumber(reader);
    else if (field === 3) result.newSequencePage = readNumber(reader);
    else reader.skip(wireType, field);
  }
  return result;
}

/** Decodes a `_SubscriptionItem` (used by tests that speak the wire directly). */
export function decodeSubscriptionItem(bytes: Uint8Array): WireSubscriptionItem {
  const reader = new BinaryReader(bytes);
  let message: WireSubscriptionItem = { kind: 'heartbeat' };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) message = { kind: 'item', item: decodeTopicItem(reader.bytes()) };
    else if (field === 2) message = { kind: 'discontinuity', discontinuity: decodeDiscontinuity(reader.bytes()) };
    else if (field === 3) {
      reader.bytes();
      message = { kind: 'heartbeat' };
    } else reader.skip(wireType, field);
  }
  return message;
}

/** Encodes `common._Empty`. */
export function encodeEmpty(): Buffer {
  return EMPTY;
}

/** Decodes `common._Empty` (ignores any bytes). */
export function decodeEmpty(): Record<string, never> {
  return {};
}

/** The number of bytes a topic value occupies on the wire (UTF-8 for text). */
export function topicValueSize(value: WireTopicValue): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength;
}
