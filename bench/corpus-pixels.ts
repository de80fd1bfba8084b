/**
 * The corpus pictures as the pipeline sees them, for bench:quality and bench:quality-curves: the
 * intermediate every resized file is made from (jobs.ts: a camera photo decoded to 1.5–2× the widest
 * resized output, a smaller picture at its own size), and each size resized from it as resizeTo does.
 */
import sharp, { type Sharp } from 'sharp';
import type { RgbImage } from '../src/modules/quality/ssimulacra2.ts';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { intermediateWidth } from '../src/modules/processing/jobs.ts';

/** The widest resized output (sizes.ts): what the pipeline's intermediate is sized for. */
const LARGEST_RESIZED = Math.max(...VARIANT_SIZES);

/** The value at quantile `q` (0.1: the 10th percentile) of `values`, as the goals read it. */
export const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

/** RGB pixels in sharp's own Buffer (what searchWebpQuality takes). */
type RgbBuffer = RgbImage & { data: Buffer };

/** An image's pixels as 8-bit RGB (alpha dropped), the metric's input. */
export async function rgbPixels(image: Sharp): Promise<RgbBuffer> {
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** A sharp pipeline over raw RGB pixels. */
export const fromRgb = (image: RgbImage) => sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });

/** The picture decoded, upright and sRGB, to the pipeline's intermediate width (or to `width` when given). */
export async function intermediate(path: string, width?: number): Promise<RgbBuffer> {
  const meta = await sharp(path).autoOrient().metadata();
  const fullWidth = meta.autoOrient?.width ?? meta.width!;
  const baseWidth = width ?? (fullWidth > 2.5 * LARGEST_RESIZED ? intermediateWidth(fullWidth, LARGEST_RESIZED) : fullWidth);
  return rgbPixels(sharp(path).autoOrient().toColourspace('srgb').resize(baseWidth));
}

/** One size's input, resized from the intermediate the way resizeTo makes the files. */
export function resizedFrom(base: RgbImage, width: number): Promise<RgbBuffer> {
  return rgbPixels(fromRgb(base).resize(width, Math.max(1, Math.round((base.height * width) / base.width)), { fit: 'fill' }));
}
