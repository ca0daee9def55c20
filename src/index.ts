/**
 * streamrx core: the source-independent operators and errors that every source builds on.
 *
 * @example
 * ```ts
 * import { retryBackoff, watchdog, dedupeBy } from 'streamrx';
 * ```
 * @module streamrx
 */
export * from './core/errors.js';
export * from './core/redact.js';
export type { ConnectionState } from './core/connection-state.js';
export type * from './telemetry/telemetry.js';
export type { EnvironmentVariables } from './core/env-setting.js';
export * from './core/retry-backoff.js';
export * from './core/watchdog.js';
export * from './core/dedupe-by.js';
export * from './core/correlate.js';
export * from './core/partition.js';
export type { RateRule } from './core/rate-rule.js';
export * from './core/rate-limit.js';
export * from './core/rate-governor.js';
export type { CursorStore } from './state/cursor-store.js';
export { fileCursorStore, type FileCursorStoreOptions } from './state/file-cursor-store.js';
export { memoryCursorStore } from './state/memory-cursor-store.js';
export { CursorStoreError } from './state/cursor-store-error.js';
export { orderedCommit, type OrderedCommitOptions } from './state/ordered-commit.js';
export * from './time/event-time-element.js';
export * from './time/with-event-time.js';
export * from './time/merge-event-time.js';
export * from './time/event-values.js';
export * from './time/aggregator.js';
export type { WindowOptions, WindowResult } from './time/window-options.js';
export { slidingWindows } from './time/sliding-windows.js';
export * from './time/tumbling-windows.js';
export * from './time/session-windows.js';
export * from './time/keyed-state.js';
export * from './time/scan-by-key.js';
export * from './time/interval-join.js';
