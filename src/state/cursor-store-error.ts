import { StreamRxError, type StreamRxErrorOptions } from '../core/errors.js';

/**
 * A cursor store could not read or write a position: the file cannot be written or holds something that is
 * not a cursor file, or the shared store did not answer. `retryable` tells whether trying again may help
 * (a full disk or an unreachable cache may recover; a corrupt file will not).
 *
 * @example
 * ```ts
 * throw new CursorStoreError('cannot write ./cursors.json', true, { cause: error });
 * ```
 */
export class CursorStoreError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'CursorStoreError';
  constructor(message: string, retryable: boolean, options?: StreamRxErrorOptions) {
    super('CURSOR_STORE', message, retryable, options);
  }
}
