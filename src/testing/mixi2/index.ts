/**
 * The mixi2 emulator and event builders of `streamrx/testing`.
 * @module
 */
export { startMixi2Emulator, type Mixi2Emulator, type Mixi2EmulatorOptions } from './emulator.js';
export type { RecordedMixi2Call } from './gate.js';
export type { WebhookFault } from './webhook-sender.js';
export { Mixi2Store, type EmulatedMedia } from './store.js';
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
