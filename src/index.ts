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
export type { EnvironmentVariables } from './core/env-setting.js';
export * from './core/retry-backoff.js';
export * from './core/watchdog.js';
export * from './core/dedupe-by.js';
export * from './core/correlate.js';
export * from './core/partition.js';
