/**
 * ImageMagick as a comparison point, when a real one is installed: the same 12 WebP outputs from one
 * decode (each size cloned from the oriented, stripped original), so it gets its best case.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VARIANT_SIZES, WEBP_QUALITY } from '../src/modules/images/sizes.ts';

const run = promisify(execFile);

/** The ImageMagick command (`magick` 7 or `convert` 6), or null when there is no real one. */
export async function findImageMagick(): Promise<string | null> {
  for (const command of ['magick', 'convert']) {
    try {
      const { stdout } = await run(command, ['-version'], { timeout: 10_000 });
      // Stand-ins and GraphicsMagick answer differently (or fail): only a real ImageMagick counts.
      if (/^Version: ImageMagick/m.test(stdout)) return command;
    } catch {
      // not this one: try the next name
    }
  }
  return null;
}

export async function imageMagickVariants(command: string, input: string, outDir: string, animated: boolean): Promise<void> {
  const args = [input, ...(animated ? ['-coalesce'] : []), '-auto-orient', '-strip', '-colorspace', 'sRGB', '-quality', String(WEBP_QUALITY)];
  for (const size of VARIANT_SIZES) {
    const resize = size === 0 ? [] : ['-resize', `${size}x>`]; // ">" never enlarges
    args.push('(', '-clone', '0--1', ...resize, '-write', join(outDir, `im-${size}.webp`), '-delete', '0--1', ')');
  }
  args.push('null:');
  await run(command, args, { timeout: 600_000, maxBuffer: 1 << 20 });
}
