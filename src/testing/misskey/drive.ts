import { createHash } from 'node:crypto';
import type * as entities from 'misskey-js/entities.js';
import type { SniffedType } from './file-sniffing.js';

/** A file in the emulated drive. */
export interface StoredDriveFile {
  /** The file id (what `notes/create` takes in `fileIds`). */
  id: string;
  /** When it was stored (ISO 8601). */
  createdAt: string;
  /** The owner's user id. */
  userId: string;
  /** The file name. */
  name: string;
  /** MD5 of the bytes, hex. */
  md5: string;
  /** Byte length. */
  size: number;
  /** The sniffed type and image size. */
  sniffed: SniffedType;
  /** Whether it is marked sensitive. */
  isSensitive: boolean;
  /** The comment (alt text), `null` for none. */
  comment: string | null;
  /** The folder, `null` for the root. */
  folderId: string | null;
}

/** What an upload says about the file besides its bytes. */
export interface DriveFileDraft {
  /** The file name. */
  name: string;
  /** Whether it is marked sensitive. */
  isSensitive: boolean;
  /** The comment (alt text). */
  comment: string | null;
  /** The folder. */
  folderId: string | null;
}

/**
 * The emulated drives of every user: files by id, found again by owner and MD5, as Misskey returns the
 * same file when a user uploads the same bytes again.
 *
 * @example
 * ```ts
 * const file = drive.store(userId, bytes, { type: 'image/png' }, { name: 'a.png', isSensitive: false, comment: null, folderId: null }, nextId);
 * drive.pack(file, origin).md5;
 * ```
 */
export class EmulatedDrive {
  readonly files = new Map<string, StoredDriveFile>();
  private readonly byOwnerMd5 = new Map<string, StoredDriveFile>();

  /** Stores the bytes for `userId`, or returns that user's file with the same MD5. */
  store(userId: string, data: Buffer, sniffed: SniffedType, draft: DriveFileDraft, nextId: () => string): StoredDriveFile {
    const md5 = createHash('md5').update(data).digest('hex');
    const known = this.byOwnerMd5.get(`${userId}:${md5}`);
    if (known) return known;
    const file: StoredDriveFile = { id: nextId(), createdAt: new Date().toISOString(), userId, md5, size: data.length, sniffed, ...draft };
    this.files.set(file.id, file);
    this.byOwnerMd5.set(`${userId}:${md5}`, file);
    return file;
  }

  /** Packs a file as `drive/files/create` answers it on Misskey 2026.3.2. */
  pack(file: StoredDriveFile, origin: string): entities.DriveFile {
    const { width, height } = file.sniffed;
    const url = `${origin}/files/${file.id}`;
    return {
      id: file.id,
      createdAt: file.createdAt,
      name: file.name,
      type: file.sniffed.type,
      md5: file.md5,
      size: file.size,
      isSensitive: file.isSensitive,
      blurhash: null,
      properties: width === undefined ? {} : { width, height },
      url,
      thumbnailUrl: file.sniffed.type.startsWith('image/') ? `${url}/thumbnail` : null,
      comment: file.comment,
      folderId: file.folderId,
      folder: null,
      userId: file.userId,
      user: null,
    };
  }
}
