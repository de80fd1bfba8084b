/**
 * The pipeline's sharp-level parts: opening the source (oriented, to sRGB or kept wide), the one
 * decode to raw pixels, and the encode that applies an image's output policy. Runs in the worker
 * (erasable TS; sharp and siblings only).
 */
import sharp, { type Raw, type Sharp, type SharpOptions } from 'sharp';
import type { OutputFormat } from '../images/formats.ts';
import { AVIF_SETTINGS, WEBP_QUALITY } from '../images/sizes.ts';
import { avifQualityFor } from '../quality/auto-quality.ts';
import { applyPolicy, PLAIN_POLICY, type OutputPolicy } from './output-policy.ts';
import type { PipelineTask } from './pipeline.ts';
import type { PlannedOutput } from './variant-plan.ts';

/** A pixel-level failure of the source (corrupt, truncated): the same file will always fail. */
export const INVALID_IMAGE = 'INVALID_IMAGE';

/** A task as it runs: where the pixels are read from and what every file carries. */
export interface RunTask extends PipelineTask {
  /** The source file, or (HEIC) the decoded picture as a PNG in memory. */
  input: string | Buffer;
  policy: OutputPolicy;
  /**
   * A high-bit-depth source with an embedded profile: libvips converts 16-bit RGB to sRGB without
   * its profile unless an ICC transform is asked for (a 16-bit Display P3 PNG came out ~7 ΔE off).
   */
  profileTransform: boolean;
}

export function openSource(task: RunTask): Sharp {
  const options: SharpOptions = {
    autoOrient: true,
    // 'error' refuses truncated and corrupt pixel data, but not the benign warnings many cameras' files raise.
    failOn: 'error',
    limitInputPixels: task.maxInputPixels,
    pages: task.animated ? -1 : 1,
  };
  // Wide: the source's own profile is converted to Display P3 on the way out (applyPolicy).
  if (task.policy.wide) return sharp(task.input, options);
  // sRGB from any embedded profile (or CMYK, 16-bit, grey), then every output is plain 8-bit sRGB.
  const image = sharp(task.input, options).toColourspace('srgb');
  return task.profileTransform ? image.withIccProfile('srgb', { attach: false }) : image;
}

/**
 * Encodes with the image's output policy (profile, EXIF) at a WebP quality (AVIF: its counterpart,
 * avifQualityFor); `from` says whether the pixels are the pipeline's decode.
 */
export function encode(image: Sharp, format: OutputFormat, policy: OutputPolicy = PLAIN_POLICY, from: 'file' | 'pixels' = 'pixels', quality: number = WEBP_QUALITY): Promise<Buffer> {
  const out = applyPolicy(image, policy, from);
  return (format === 'avif' ? out.avif({ ...AVIF_SETTINGS, quality: avifQualityFor(quality) }) : out.webp({ quality })).toBuffer();
}

/**
 * Decoded pixels: raw 8-bit sRGB, or (wide) an uncompressed TIFF in memory holding Display P3
 * pixels with their profile, since raw pixels cannot carry a profile.
 */
export interface Pixels {
  data: Buffer;
  raw: Raw | null;
  width: number;
  height: number;
}

/**
 * A decode: oriented, sRGB (or P3), at the given dimensions. `shrinkOnLoad`: the size is the source's
 * halved (quartered…), which JPEG and WebP decode to directly.
 */
export async function decode(task: RunTask, size: { width: number; height: number }, shrinkOnLoad = false): Promise<Pixels> {
  try {
    // A no-op for the full size unless the image is over the WebP limit and the plan scaled it down.
    const image = openSource(task).resize(size.width, size.height, { fit: 'fill', fastShrinkOnLoad: shrinkOnLoad });
    if (task.policy.wide) {
      const { data, info } = await image.withIccProfile('p3').tiff({ compression: 'none' }).toBuffer({ resolveWithObject: true });
      return { data, raw: null, width: info.width, height: info.height };
    }
    const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data, raw: { width: info.width, height: info.height, channels: info.channels }, width: info.width, height: info.height };
  } catch (err) {
    throw asInvalidImage(err);
  }
}

export function fromPixels(pixels: Pixels): Sharp {
  return pixels.raw ? sharp(pixels.data, { raw: pixels.raw }) : sharp(pixels.data);
}

/**
 * Frees decoded pixels now rather than at some later garbage collection (sharp's buffers are memory
 * outside V8's heap, freed only once their Buffer is collected): the buffer is detached, so a read
 * after this finds it empty (sharp: "Input Buffer is empty"), never freed memory. The caller makes
 * sure no sharp call is still reading it. A Buffer that is not the whole of its ArrayBuffer (a
 * slice of Node's pool) is left alone.
 */
export function releasePixels(pixels: Pixels): void {
  const { data } = pixels;
  const buffer = data.buffer;
  if (buffer instanceof ArrayBuffer && !buffer.detached && data.byteOffset === 0 && data.byteLength === buffer.byteLength) buffer.transfer(0);
}

export function resizeTo(image: Sharp, output: PlannedOutput): Sharp {
  return image.resize(output.width, output.height, { fit: 'fill' });
}

/** Marks a sharp failure as the source's fault, so it is not retried (see pool.ts). */
export function asInvalidImage(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const reason = message.replace(/^Vips\w+: /, '').trim().split('\n')[0];
  return Object.assign(new Error(`The image could not be decoded: ${reason}`), { code: INVALID_IMAGE });
}
