/** What the content of a file says it is: its MIME type, and an image's size when the header tells it. */
export interface SniffedType {
  /** The MIME type read from the magic bytes, e.g. `image/png`. */
  type: string;
  /** Width in pixels, for PNG and GIF. */
  width?: number;
  /** Height in pixels, for PNG and GIF. */
  height?: number;
}

const startsWith = (data: Buffer, magic: readonly number[], at = 0): boolean => data.length >= at + magic.length && magic.every((byte, i) => data[at + i] === byte);

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF = [0x47, 0x49, 0x46, 0x38]; // "GIF8"
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];
const FTYP = [0x66, 0x74, 0x79, 0x70];

/**
 * Reads a file's type from its content, as Misskey does (the declared type is ignored): PNG (with width and
 * height from IHDR), JPEG, GIF (with its logical screen size), WebP and MP4; `undefined` for anything else,
 * which the emulator refuses with `UNALLOWED_FILE_TYPE`.
 *
 * @example
 * ```ts
 * sniffFileType(pngBytes); // { type: 'image/png', width: 1, height: 1 }
 * ```
 */
export function sniffFileType(data: Buffer): SniffedType | undefined {
  if (startsWith(data, PNG) && data.length >= 24) return { type: 'image/png', width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (startsWith(data, JPEG)) return { type: 'image/jpeg' };
  if (startsWith(data, GIF) && data.length >= 10) return { type: 'image/gif', width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
  if (startsWith(data, RIFF) && startsWith(data, WEBP, 8)) return { type: 'image/webp' };
  if (startsWith(data, FTYP, 4)) return { type: 'video/mp4' };
  return undefined;
}
