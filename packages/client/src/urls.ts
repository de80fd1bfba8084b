/** URLs of an image's files: `{baseUrl}/{collectionId}/{size}/{slug}.{format}` (contract §4). */
import type { ImageFormat, OptimageImageData } from './image.js';
import { sizeFor, WIDTHS } from './sizes.js';

/** The URL of one size (0 = the full image) in one format. */
export function url(image: OptimageImageData, size: number, format: ImageFormat = 'webp'): string {
  const stored = image.variants?.find((v) => v.size === size && (v.format ?? 'webp') === format);
  return stored?.url ?? `${image.baseUrl}/${image.collectionId}/${size}/${image.slug}.${format}`;
}

/**
 * `<url> 320w, …`: each size narrower than the image, then the full image at its own width (so a
 * wide photo is there for large screens, and a small one is never listed wider than it is).
 * Without a known width, the sizes 320–1280.
 */
export function srcset(image: OptimageImageData, options: { format?: ImageFormat } = {}): string {
  const width = image.width ?? 0;
  const entries = WIDTHS.filter((w) => !width || w < width).map((w) => `${url(image, w, options.format)} ${w}w`);
  if (width) entries.push(`${url(image, 0, options.format)} ${width}w`);
  return entries.join(', ');
}

const OPTIMAGE_URL = /^(.*\/col_[a-z0-9]+\/)(\d+)(\/[a-z0-9]+(?:-[a-z0-9]+)*\.(?:webp|avif))([?#].*)?$/;

/** True for a URL of an optimage size file. */
export function isOptimageUrl(src: string): boolean {
  return OPTIMAGE_URL.test(src);
}

/**
 * Rewrites the size segment of an optimage URL to the smallest size ≥ `width` (the shape
 * `@unpic/*` base components call a transformer with). Any other URL comes back unchanged.
 */
export function transform(src: string, options: { width?: number }): string {
  const m = OPTIMAGE_URL.exec(src);
  if (!m || !options.width) return src;
  return `${m[1]}${sizeFor(options.width)}${m[3]}${m[4] ?? ''}`;
}
