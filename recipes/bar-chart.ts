import { InvalidArgumentError } from '../src/index.js';
import type { RgbImage } from './png-encoder.js';

/**
 * A colour as red, green, blue (0–255).
 *
 * @example
 * ```ts
 * const blue: Rgb = [0x3b, 0x82, 0xf6];
 * ```
 */
export type Rgb = readonly [number, number, number];

/**
 * Options of {@link renderBarChart}.
 *
 * @example
 * ```ts
 * renderBarChart([3, 1, 4], { width: 160, height: 80, bar: [0xe1, 0x1d, 0x48] });
 * ```
 */
export interface BarChartOptions {
  /** Width in pixels. @default 320 */
  width?: number;
  /** Height in pixels. @default 160 */
  height?: number;
  /** Background colour. @default [255, 255, 255] */
  background?: Rgb;
  /** Colour of the bars. @default [59, 130, 246] */
  bar?: Rgb;
  /** Colour of the baseline. @default [55, 65, 81] */
  axis?: Rgb;
}

/**
 * Most bars a chart draws; each needs a few pixels of width.
 *
 * @example
 * ```ts
 * renderBarChart(values.slice(-MAX_BARS));
 * ```
 */
export const MAX_BARS = 48;
const MARGIN = 8;
const AXIS_THICKNESS = 2;

function fillRect(image: RgbImage, x0: number, y0: number, x1: number, y1: number, colour: Rgb): void {
  for (let y = Math.max(0, y0); y < Math.min(image.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(image.width, x1); x++) image.pixels.set(colour, (y * image.width + x) * 3);
  }
}

function checkValues(values: readonly number[]): void {
  if (values.length === 0 || values.length > MAX_BARS) throw new InvalidArgumentError(`renderBarChart: 1 to ${MAX_BARS} values, got ${values.length}`);
  const bad = values.find((v) => !Number.isFinite(v) || v < 0);
  if (bad !== undefined) throw new InvalidArgumentError(`renderBarChart: values must be finite and not negative, got ${bad}`);
}

/**
 * Draws `values` as vertical bars over a baseline, the tallest filling the plot: an RGB image to give to
 * `encodePng`. Values must be finite and not negative (1 to {@link MAX_BARS} of them), the size at least
 * 32×32; otherwise it throws `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * const png = encodePng(renderBarChart([3, 1, 4, 1, 5]));
 * ```
 */
export function renderBarChart(values: readonly number[], options: BarChartOptions = {}): RgbImage {
  const { width = 320, height = 160, background = [255, 255, 255], bar = [59, 130, 246], axis = [55, 65, 81] } = options;
  checkValues(values);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 32 || height < 32) {
    throw new InvalidArgumentError(`renderBarChart: the size must be whole pixels, at least 32×32, got ${width}×${height}`);
  }
  const image: RgbImage = { width, height, pixels: new Uint8Array(width * height * 3) };
  fillRect(image, 0, 0, width, height, background);
  const baseline = height - MARGIN - AXIS_THICKNESS;
  fillRect(image, MARGIN, baseline, width - MARGIN, baseline + AXIS_THICKNESS, axis);
  const plotHeight = baseline - MARGIN;
  const slot = (width - 2 * MARGIN) / values.length;
  const top = Math.max(...values);
  values.forEach((value, i) => {
    const barHeight = top === 0 ? 0 : Math.round((value / top) * plotHeight);
    const left = Math.round(MARGIN + i * slot + slot * 0.15);
    const right = Math.round(MARGIN + (i + 1) * slot - slot * 0.15);
    fillRect(image, left, baseline - barHeight, Math.max(right, left + 1), baseline, bar);
  });
  return image;
}
