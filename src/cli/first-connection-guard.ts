import type { ConnectionState } from '../core/connection-state.js';
import { isTerminal } from '../core/errors.js';

/**
 * Tracks whether a connection has ever opened, to decide whether a failure is worth a retry.
 *
 * @example
 * ```ts
 * const guard: FirstConnectionGuard = firstConnectionGuard();
 * ```
 */
export interface FirstConnectionGuard {
  /** Feed it the client's connection states. */
  observe(state: ConnectionState): void;
  /** A `retryBackoff` `shouldRetry`: no retry before the first open, then every retryable error. */
  shouldRetry(error: unknown): boolean;
}

/**
 * For a command line tool, a host that cannot be reached at start is a mistake to report at once (wrong
 * address, server down), not something to retry for minutes; once the connection has worked, the source's
 * own reconnect policy applies as usual.
 *
 * @example
 * ```ts
 * const guard = firstConnectionGuard();
 * client.state$.subscribe(guard.observe);
 * client.events({ reconnect: { ...mixi2ReconnectPolicy, shouldRetry: guard.shouldRetry } });
 * ```
 */
export function firstConnectionGuard(): FirstConnectionGuard {
  let opened = false;
  return {
    observe: (state) => {
      if (state === 'open') opened = true;
    },
    shouldRetry: (error) => opened && !isTerminal(error),
  };
}
