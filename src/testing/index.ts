/**
 * streamrx/testing: in-process emulators of the three services, builders of typed test values, and
 * marble-testing helpers.
 *
 * @example
 * ```ts
 * import { startMisskeyEmulator } from 'streamrx/testing';
 * ```
 * @module streamrx/testing
 */
export * from './mixi2/index.js';
export * from './misskey/index.js';
export * from './momento/index.js';
export * from './marbles.js';
export type { EmulatorControls, EmulatorStats, StreamEnding, FailNextOptions, RateLimitNextOptions } from './emulator-controls.js';
export { startEmulators, emulatorEnvironment, type Emulators, type StartEmulatorsOptions } from './emulators.js';
export * from './momento-cache/index.js';
