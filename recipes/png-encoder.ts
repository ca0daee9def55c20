import { crc32, deflateSync } from 'node:zlib';
import { InvalidArgumentError } from '../src/index.js';

/**
 * An image of 8-bit RGB pixels, row after row from the top left, 3 bytes per pixel.
 *
 * @example
 * ```ts
 * const red: RgbImage = { width: 1, height: 1, pixels: Uint8Array.of(255, 0, 0) };
 * ```
 */
export interface RgbImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** `width × height × 3` bytes: red, green, blue of each pixel. */
  pixels: Uint8Array;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const BIT_DEPTH = 8;
const COLOR_TYPE_RGB = 2;
const FILTER_NONE = 0;
/** Larger than any chart a bot sends; bounds the memory a bad argument can ask for. */
const MAX_SIDE = 4096;

/** length, type, data, CRC of type and data (zlib's CRC-32 is the one PNG uses). */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function header(width: number, height: number): Buffer {
  const data = Buffer.alloc(13); // compression, filter method and interlace stay 0
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = BIT_DEPTH;
  data[9] = COLOR_TYPE_RGB;
  return data;
}

/** Each row prefixed with its filter type (none), as IDAT wants it before deflate. */
function scanlines({ width, height, pixels }: RgbImage): Buffer {
  const rowBytes = width * 3;
  const raw = Buffer.alloc(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (rowBytes + 1)] = FILTER_NONE;
    raw.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  return raw;
}

function checkImage({ width, height, pixels }: RgbImage): void {
  const side = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= MAX_SIDE;
  if (!side(width) || !side(height)) throw new InvalidArgumentError(`encodePng: width and height must be integers from 1 to ${MAX_SIDE}, got ${width}×${height}`);
  if (pixels.length !== width * height * 3) throw new InvalidArgumentError(`encodePng: ${width}×${height} RGB needs ${width * height * 3} bytes, got ${pixels.length}`);
}

/**
 * Encodes an RGB image as a PNG file (8-bit truecolor, not interlaced, one deflated IDAT chunk): the
 * bytes any image viewer, mixi2 and Misskey accept. Bad sizes throw `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * const png = encodePng({ width: 2, height: 1, pixels: Uint8Array.of(255, 0, 0, 0, 0, 255) });
 * client.uploadFile(png, { name: 'two-pixels.png' }).subscribe();
 * ```
 */
export function encodePng(image: RgbImage): Buffer {
  checkImage(image);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header(image.width, image.height)),
    chunk('IDAT', deflateSync(scanlines(image))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
