import { Observable } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import { isFileValue, type FileValue } from './file-value.js';
import type { HttpCall } from './http-api.js';
import type { ApiParams, DriveFile } from './types.js';

/**
 * What {@link streamrx/misskey!MisskeyClient.uploadFile} takes besides the file: `drive/files/create`'s
 * other params (`name`, `folderId`, `comment`, `isSensitive`, `force`).
 *
 * @example
 * ```ts
 * const options: UploadFileOptions = { name: 'cat.png', comment: 'a cat', isSensitive: false };
 * ```
 */
export type UploadFileOptions = Omit<ApiParams<'drive/files/create'>, 'file'>;

/**
 * One event of an upload: `progress` as the bytes go out (`sent` of `total`, the whole multipart body;
 * back to 0 if an attempt is retried), then `uploaded` with the server's `DriveFile`.
 *
 * @example
 * ```ts
 * client.uploadFile(bytes).subscribe((e) => (e.type === 'progress' ? console.log(`${e.sent}/${e.total}`) : console.log(e.file.id)));
 * ```
 */
export type DriveUploadEvent =
  | {
      /** Bytes went out. */
      type: 'progress';
      /** Bytes handed to the network so far. */
      sent: number;
      /** Bytes of the whole request body. */
      total: number;
    }
  | {
      /** The server stored the file. */
      type: 'uploaded';
      /** The stored file; its `id` goes into `notes/create`'s `fileIds`. */
      file: DriveFile;
    };

/**
 * Builds `uploadFile` over an HTTP call: `drive/files/create` as multipart, reporting progress. Bad input
 * (not a file value) errors with {@link streamrx!InvalidArgumentError} before any request.
 */
export function fileUploader(http: HttpCall): (file: FileValue, options?: UploadFileOptions) => Observable<DriveUploadEvent> {
  return (file, options = {}) =>
    new Observable<DriveUploadEvent>((subscriber) => {
      if (!isFileValue(file)) {
        subscriber.error(new InvalidArgumentError(`uploadFile: not a file (Blob, Uint8Array or { stream, size }): ${typeof file}`));
        return;
      }
      let reported = { sent: -1, total: -1 };
      const progress = (sent: number, total: number): void => {
        reported = { sent, total };
        subscriber.next({ type: 'progress', sent, total });
      };
      return http<DriveFile>('drive/files/create', { ...options, file }, progress).subscribe({
        next: (stored) => {
          // the last write's flush may be reported after the answer: the answer proves every byte arrived
          if (reported.sent < reported.total) progress(reported.total, reported.total);
          subscriber.next({ type: 'uploaded', file: stored });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
