import { status as GrpcStatus, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import type { EmulatorEvents } from './emulator-events.js';
import type { EmulatorGate } from './emulator-gate.js';
import { pubsubServiceDefinition } from './pubsub-service-definition.js';
import {
  encodeSubscriptionItem,
  topicValueSize,
  type WireDiscontinuity,
  type WirePublishRequest,
  type WireSubscriptionRequest,
  type WireTopicItem,
  type WireTopicValue,
} from './pubsub-wire.js';
import { statusError, SubscriberStream, topicKeyOf, type MomentoStreamEnding } from './subscriber-stream.js';
import { TopicLog } from './topic-log.js';
import type { GrpcHost } from './grpc-host.js';

/** Settings of the pub/sub part of the emulator (see `MomentoEmulatorOptions`). */
export interface PubsubSettings {
  heartbeatIntervalMs: number;
  retainedItems: number;
  maxValueBytes: number;
  initialSequencePage: number;
  publisherId: string;
}

/**
 * Which open streams a control applies to; all of them when empty.
 *
 * @example
 * ```ts
 * emulator.endStreams({ code: status.OK }, { cacheName: 'cache', topic: 'orders' });
 * ```
 */
export interface MomentoStreamSelector {
  /** Only streams of this cache. @default every cache */
  cacheName?: string;
  /** Only streams of this topic. @default every topic */
  topic?: string;
}

const HEARTBEAT = encodeSubscriptionItem({ kind: 'heartbeat' });

/**
 * The `cache_client.pubsub.Pubsub` service: topics with per-topic sequence numbers and pages, a heartbeat
 * first on every Subscribe and then periodically, resume from a bounded buffer, the value size limit.
 */
export class PubsubEmulation {
  private readonly topics = new Map<string, TopicLog>();
  private readonly streams = new Map<number, SubscriberStream>();
  private nextStreamId = 1;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: PubsubSettings,
    private readonly gate: EmulatorGate,
    private readonly events: EmulatorEvents,
  ) {
    gate.onResume(() => {
      for (const stream of this.streams.values()) stream.flush();
    });
  }

  /** Adds the Pubsub service to `host`. */
  install(host: GrpcHost): void {
    host.addService(pubsubServiceDefinition, {
      Publish: (call: ServerUnaryCall<WirePublishRequest, unknown>, callback: sendUnaryData<unknown>) =>
        this.handlePublish(call, callback),
      Subscribe: (call: ServerWritableStream<WireSubscriptionRequest, Buffer>) => this.handleSubscribe(call),
    });
  }

  /** Open Subscribe streams, optionally of one topic. */
  openStreams(selector: MomentoStreamSelector = {}): SubscriberStream[] {
    return [...this.streams.values()].filter((s) => matches(s, selector));
  }

  /** Publishes a value as if a client had; returns its sequence number. */
  publish(cacheName: string, topic: string, value: WireTopicValue, publisherId = this.settings.publisherId): number {
    const item = this.topic(cacheName, topic).append(value, publisherId);
    this.broadcast(cacheName, topic, encodeItem(item));
    this.events.emit({ type: 'publish', cacheName, topic, sequenceNumber: item.sequenceNumber });
    return item.sequenceNumber;
  }

  /** Loses `count` sequence numbers of a topic and tells its subscribers with a discontinuity. */
  skip(cacheName: string, topic: string, count: number): WireDiscontinuity {
    return this.announce(cacheName, topic, this.topic(cacheName, topic).skip(count));
  }

  /** Starts a new sequence page of a topic (numbering restarts) and tells its subscribers. */
  resetTopic(cacheName: string, topic: string): WireDiscontinuity {
    return this.announce(cacheName, topic, this.topic(cacheName, topic).reset());
  }

  /** The current sequence state of a topic. */
  topicState(cacheName: string, topic: string): { lastSequenceNumber: number; sequencePage: number } {
    const log = this.topic(cacheName, topic);
    return { lastSequenceNumber: log.lastSequenceNumber, sequencePage: log.page };
  }

  /** Sends a heartbeat on every open stream now. */
  heartbeat(): void {
    if (this.gate.isStalled) return;
    for (const stream of this.streams.values()) stream.send(HEARTBEAT);
  }

  /** Ends the selected streams with `ending`; returns how many were ended. */
  endStreams(ending: MomentoStreamEnding, selector: MomentoStreamSelector = {}): number {
    const selected = this.openStreams(selector);
    for (const stream of selected) {
      this.forget(stream, 'ended');
      stream.end(ending);
    }
    return selected.length;
  }

  /** Forgets every stream (the emulator is closing). */
  closeAll(): void {
    for (const stream of [...this.streams.values()]) {
      this.forget(stream, 'emulator-closed');
      stream.abandon();
    }
  }

  private topic(cacheName: string, topic: string): TopicLog {
    const key = topicKeyOf(cacheName, topic);
    let log = this.topics.get(key);
    if (!log) {
      log = new TopicLog(this.settings.initialSequencePage, this.settings.retainedItems);
      this.topics.set(key, log);
    }
    return log;
  }

  private announce(cacheName: string, topic: string, discontinuity: WireDiscontinuity): WireDiscontinuity {
    this.broadcast(cacheName, topic, encodeSubscriptionItem({ kind: 'discontinuity', discontinuity }));
    return discontinuity;
  }

  private broadcast(cacheName: string, topic: string, encoded: Buffer): void {
    const key = topicKeyOf(cacheName, topic);
    for (const stream of this.streams.values()) {
      if (stream.topicKey === key) stream.send(encoded);
    }
  }

  private handlePublish(call: ServerUnaryCall<WirePublishRequest, unknown>, callback: sendUnaryData<unknown>): void {
    const { cacheName, topic, value } = call.request;
    const refusal = this.gate.refusal('publish', call.metadata, cacheName) ?? this.invalidPublish(call.request);
    this.gate.whenFlowing(() => {
      if (refusal) {
        this.events.emit({ type: 'refused', rpc: 'publish', code: refusal.code });
        callback(statusError(refusal));
        return;
      }
      this.publish(cacheName, topic, value!);
      callback(null, {});
    });
  }

  private invalidPublish({ cacheName, topic, value }: WirePublishRequest): MomentoStreamEnding | undefined {
    const invalid = (details: string): MomentoStreamEnding => ({ code: GrpcStatus.INVALID_ARGUMENT, details });
    if (!cacheName.trim()) return invalid('cache name must not be empty');
    if (!topic.trim()) return invalid('topic name must not be empty');
    if (value === undefined) return invalid('publish request has no value');
    const size = topicValueSize(value);
    if (size > this.settings.maxValueBytes) {
      return invalid(`value of ${size} bytes exceeds the limit of ${this.settings.maxValueBytes} bytes`);
    }
    return undefined;
  }

  private handleSubscribe(call: ServerWritableStream<WireSubscriptionRequest, Buffer>): void {
    const request = call.request;
    const refusal = this.gate.refusal('subscribe', call.metadata, request.cacheName);
    if (refusal) {
      this.events.emit({ type: 'refused', rpc: 'subscribe', code: refusal.code });
      this.gate.whenFlowing(() => call.emit('error', statusError(refusal)));
      return;
    }
    const stream = new SubscriberStream(this.nextStreamId++, request, call, () => this.gate.isStalled);
    const closed = (): void => {
      if (this.streams.get(stream.id) !== stream) return;
      stream.abandon();
      this.forget(stream, 'cancelled');
    };
    call.on('cancelled', closed);
    call.on('close', closed);
    this.streams.set(stream.id, stream);
    this.startHeartbeats();
    this.events.emit({ type: 'subscribe', streamId: stream.id, ...request });
    stream.send(HEARTBEAT);
    const plan = this.topic(request.cacheName, request.topic).resume(request.resumeAtSequenceNumber, request.sequencePage);
    if (plan.discontinuity) stream.send(encodeSubscriptionItem({ kind: 'discontinuity', discontinuity: plan.discontinuity }));
    for (const item of plan.replay) stream.send(encodeItem(item));
  }

  private forget(stream: SubscriberStream, reason: 'cancelled' | 'ended' | 'emulator-closed'): void {
    if (!this.streams.delete(stream.id)) return;
    if (this.streams.size === 0) this.stopHeartbeats();
    this.events.emit({ type: 'stream-closed', streamId: stream.id, reason });
  }

  private startHeartbeats(): void {
    if (this.heartbeatTimer || this.settings.heartbeatIntervalMs <= 0) return;
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.settings.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeats(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }
}

function encodeItem(item: WireTopicItem): Buffer {
  return encodeSubscriptionItem({ kind: 'item', item });
}

function matches(stream: SubscriberStream, selector: MomentoStreamSelector): boolean {
  return (
    (selector.cacheName === undefined || stream.request.cacheName === selector.cacheName) &&
    (selector.topic === undefined || stream.request.topic === selector.topic)
  );
}
