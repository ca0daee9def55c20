/**
 * Misskey emulator: `/streaming` WebSocket + `POST /api/*` on 127.0.0.1, reproducing Misskey 2026.3.2's
 * frames, with fault controls; `protocol: 'legacy'` speaks the seed document's stream API and capture.
 *
 * @example
 * ```ts
 * import { startMisskeyEmulator } from 'streamrx/testing';
 * const emulator = await startMisskeyEmulator({ protocol: 'legacy' });
 * ```
 */
export { startMisskeyEmulator, type FloodOptions, type PreparedFlood, type MisskeyEmulator, type MisskeyEmulatorOptions } from './emulator.js';
export type { MisskeyEmulatorStats } from './emulator-stats.js';
export { buildNote, buildUserLite, type EmulatedUser, type StoredNote } from './builders.js';
export type { NoteDraft } from './world.js';
export type { RecordedApiCall } from './http-api.js';
export { aidxGenerator, type AidxOptions } from './ids.js';
export { buildMisskeyNote, buildNoteMessage, buildNoteUpdated } from './value-builders.js';
