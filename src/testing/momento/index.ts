/**
 * The Momento emulator: the `cache_client.pubsub.Pubsub` gRPC service on 127.0.0.1 for the real
 * `@gomomento/sdk` `TopicClient`, with fault controls.
 *
 * @example
 * ```ts
 * import { startMomentoEmulator, emulatorTopicClient } from 'streamrx/testing';
 * const emulator = await startMomentoEmulator();
 * const client = emulatorTopicClient(emulator);
 * ```
 * @module
 */
export { startMomentoEmulator } from './momento-emulator.js';
export type { MomentoEmulator, MomentoEmulatorOptions, MomentoEmulatedStream, MomentoEmulatorStats, MomentoStreamEndingOptions } from './momento-emulator.js';
export type { MomentoEmulatorEvent } from './emulator-events.js';
export type { MomentoFailNextOptions, MomentoRpcName } from './emulator-gate.js';
export type { MomentoStreamEnding } from './subscriber-stream.js';
export type { MomentoStreamSelector } from './pubsub-emulation.js';
export type { WireDiscontinuity as MomentoWireDiscontinuity } from './pubsub-wire.js';
export { emulatorTopicClient } from './emulator-topic-client.js';
export type { EmulatorTopicClientOptions } from './emulator-topic-client.js';
export { buildTopicItem, buildTopicHeartbeat, buildTopicDiscontinuity } from './value-builders.js';
