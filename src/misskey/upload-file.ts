import { filter, map, Observable, type OperatorFunction } from 'rxjs';
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
 * Progress of an upload: bytes of the multipart body handed to the network (`sentBytes` back to 0 if an
 * attempt is retried), of `totalBytes`, the whole body (the file plus the form's few hundred bytes).
 *
 * @example
 * ```ts
 * const step: DriveUploadProgress = { phase: 'uploading', sentBytes: 65_536, totalBytes: 10_485_990 };
 * ```
 */
export interface DriveUploadProgress {
  /** Always `'uploading'`. */
  phase: 'uploading';
  /** Bytes handed to the network so far. */
  sentBytes: number;
  /** Bytes of the whole request body. */
  totalBytes: number;
}

/**
 * The last value of an upload: the server stored the file.
 *
 * @example
 * ```ts
 * const done: DriveUploadCompleted = { phase: 'completed', file, sentBytes: 10, totalBytes: 10 };
 * ```
 */
export interface DriveUploadCompleted {
  /** Always `'completed'`. */
  phase: 'completed';
  /** The stored file; its `id` goes into `notes/create`'s `fileIds`. */
  file: DriveFile;
  /** Equal to `totalBytes`. */
  sentBytes: number;
  /** Bytes of the whole request body. */
  totalBytes: number;
}

/**
 * What {@link streamrx/misskey!MisskeyClient.uploadFile} emits: progress, then one {@link DriveUploadCompleted}
 * (the same `phase` vocabulary as mixi2's `uploadMedia`).
 *
 * @example
 * ```ts
 * client.uploadFile(bytes).subscribe((e) => console.log(e.phase, `${e.sentBytes}/${e.totalBytes}`));
 * ```
 */
export type DriveUploadEvent = DriveUploadProgress | DriveUploadCompleted;

/**
 * Keeps only the stored `DriveFile` of an upload, for composing with a note.
 *
 * @example
 * ```ts
 * client.uploadFile(bytes).pipe(uploadedDriveFile(), switchMap((file) => client.api('notes/create', { text: 'look', fileIds: [file.id] })));
 * ```
 */
export function uploadedDriveFile(): OperatorFunction<DriveUploadEvent, DriveFile> {
  return (source) => source.pipe(filter((event): event is DriveUploadCompleted => event.phase === 'completed'), map((event) => event.file));
}

/**
 * Builds `uploadFile` over an HTTP call: `drive/files/create` as multipart, reporting progress. Bad input
 * (not a file value) errors with {@link streamrx!InvalidArgumentError} before any request.
 *
 * @example
 * ```ts
 * const uploadFile = fileUploader(httpApi(options));
 * uploadFile(bytes, { name: 'cat.png' }).subscribe(console.log);
 * ```
 */
export function fileUploader(http: HttpCall): (file: FileValue, options?: UploadFileOptions) => Observable<DriveUploadEvent> {
  return (file, options = {}) =>
    new Observable<DriveUploadEvent>((subscriber) => {
      if (!isFileValue(file)) {
        subscriber.error(new InvalidArgumentError(`uploadFile: not a file (Blob, Uint8Array or { stream, size }): ${typeof file}`));
        return;
      }
      let reported = { sentBytes: 0, totalBytes: 0 };
      const progress = (sentBytes: number, totalBytes: number): void => {
        reported = { sentBytes, totalBytes };
        subscriber.next({ phase: 'uploading', sentBytes, totalBytes });
      };
      return http<DriveFile>('drive/files/create', { ...options, file }, progress).subscribe({
        next: (stored) => {
          // the last write's flush may be reported after the answer: the answer proves every byte arrived
          if (reported.sentBytes < reported.totalBytes) progress(reported.totalBytes, reported.totalBytes);
          subscriber.next({ phase: 'completed', file: stored, sentBytes: reported.totalBytes, totalBytes: reported.totalBytes });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
