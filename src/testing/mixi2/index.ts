/**
 * The mixi2 emulator and event builders of `streamrx/testing`.
 * @module
 */
export {
  startMixi2Emulator,
  type Mixi2Emulator,
  type Mixi2EmulatorOptions,
  type Mixi2EmulatorStats,
  type Mixi2CredentialRejection,
  type Mixi2RpcName,
} from './emulator.js';
export type { RecordedMixi2Call } from './gate.js';
export type { WebhookFault } from './webhook-sender.js';
export { Mixi2Store, type EmulatedMedia, type Mixi2Registrable } from './store.js';
export { encodeEventResponse } from './stream-hub.js';
export {
  buildMixi2User,
  buildMixi2Community,
  buildMixi2Post,
  buildPostCreatedEvent,
  buildChatMessageReceivedEvent,
  buildCommunityMemberChangedEvent,
  buildCommunityPluginManagedEvent,
  buildPingEvent,
  mixi2Timestamp,
} from './builders.js';
