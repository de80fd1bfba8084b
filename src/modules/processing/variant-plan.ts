/**
 * Variant planning, pure: which distinct WebP files an image needs. Sizes that would enlarge the image
 * collapse into the full-size output, so it is encoded once and stored under several keys.
 */
import { VARIANT_SIZES, WEBP_MAX_DIMENSION, type VariantSize } from '../images/sizes.ts';

/** Source dimensions after EXIF orientation; for animations, of one frame. */
export interface SourceGeometry {
  width: number;
  height: number;
  pages: number;
}

/** One file to encode, published under each of `sizes`. */
export interface PlannedOutput {
  sizes: VariantSize[];
  width: number;
  height: number;
}

/**
 * Plans the outputs covering every size in VARIANT_SIZES exactly once, largest first (the full-size
 * output, which also serves every size at or above its width, comes first).
 */
export function planVariants(source: SourceGeometry): PlannedOutput[] {
  const { width, height, pages } = source;
  for (const [name, value] of Object.entries({ width, height, pages })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`planVariants: ${name} must be a positive integer, got ${value}`);
  }
  // Size 0 is the image itself, unless libwebp cannot hold it: then the largest fit, aspect kept.
  const fit = Math.min(1, WEBP_MAX_DIMENSION / width, WEBP_MAX_DIMENSION / height);
  const full: PlannedOutput = { sizes: [0], width: side(width * fit), height: side(height * fit) };
  const resized: PlannedOutput[] = [];
  for (const size of VARIANT_SIZES) {
    if (size === 0) continue;
    // Never enlarge: a size at or above the full-size width is the full-size file.
    if (size >= full.width) full.sizes.push(size);
    else resized.push({ sizes: [size], width: size, height: side((height * size) / width) });
  }
  return [full, ...resized.reverse()];
}

/** A side length in whole pixels, at least 1 and never over the WebP limit. */
function side(length: number): number {
  return Math.min(WEBP_MAX_DIMENSION, Math.max(1, Math.round(length)));
}
