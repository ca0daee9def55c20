import { StreamRxError } from '../core/errors.js';

/**
 * mixi2 could not process an uploaded media (GetPostMediaStatus answered `STATUS_FAILED`): the media id
 * cannot be used. Not retryable as such (the same bytes usually fail again); a new upload starts over.
 *
 * @example
 * ```ts
 * client.uploadMedia(media).pipe(catchError((e) => (e instanceof Mixi2MediaFailedError ? of(fallback) : throwError(() => e))));
 * ```
 */
export class Mixi2MediaFailedError extends StreamRxError {
  /** The class name, for logs and `instanceof`-free checks. */
  override readonly name = 'Mixi2MediaFailedError';
  constructor(
    /** The media that failed. */
    readonly mediaId: string,
  ) {
    super('API', `mixi2 could not process media ${mediaId} (STATUS_FAILED)`, false);
  }
}
