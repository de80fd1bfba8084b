/**
 * Delivery URLs and snippets for a ready image, made by `@optimage/client` (the kit apps use), so the
 * dashboard shows exactly the markup an app gets from `srcset(image)`: every size narrower than the
 * image, then the full image at its own width (a 4000 px photo offers its 4000 px file to a wide
 * high-DPR screen; an 800 px one is never listed as 1280w). URLs come from the image's `variants`,
 * so a private collection's signed URLs are used as they are.
 */
import { SRC_SIZE, srcset, url, type ImageFormat, type OptimageImageData } from '@optimage/client';
import { isReady } from './image-status.ts';

export interface Variant {
  size: number;
  width: number;
  height: number;
  bytes: number;
  url: string;
  format: string;
}

export interface Deliverable {
  status: string;
  slug: string;
  collectionId: string;
  baseUrl: string;
  width: number;
  height: number;
  variants: readonly Variant[];
}

/** Size 0 is the whole image at its own dimensions. */
export const FULL_SIZE = 0;
/** For a layout where the image is at most a column wide; callers with a known layout pass their own. */
export const DEFAULT_SIZES = '(max-width: 768px) 100vw, 768px';

/** The image as the kit reads it (GraphQL's `WEBP`/`AVIF` formats in the kit's lowercase). */
function kitImage(image: Deliverable): OptimageImageData {
  return { ...image, variants: image.variants.map((v) => ({ size: v.size, url: v.url, format: v.format.toLowerCase() })) };
}

/** The output formats the image has files in, best first. */
export function formatsOf(image: Deliverable): ImageFormat[] {
  const have = new Set(image.variants.map((v) => v.format.toLowerCase()));
  return (['avif', 'webp'] as const).filter((f) => have.has(f));
}

/** The WebP variants in size order (full size first), or none until the image is ready. */
export function variantsOf(image: Deliverable): Variant[] {
  return isReady(image.status) ? image.variants.filter((v) => v.format.toLowerCase() === 'webp').sort((a, b) => a.size - b.size) : [];
}

export function urlOf(image: Deliverable, size: number): string | null {
  return isReady(image.status) ? url(kitImage(image), size) : null;
}

export function srcOf(image: Deliverable): string | null {
  return urlOf(image, SRC_SIZE);
}

export function srcsetOf(image: Deliverable, format: ImageFormat = 'webp'): string | null {
  return isReady(image.status) ? srcset(kitImage(image), { format }) : null;
}

const attr = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/** An `<img>` tag with src, srcset, sizes and intrinsic dimensions (no layout shift). */
export function imgTag(image: Deliverable, alt = '', sizes = DEFAULT_SIZES): string | null {
  const src = srcOf(image);
  const set = srcsetOf(image);
  if (!src || !set) return null;
  return `<img src="${attr(src)}" srcset="${attr(set)}" sizes="${attr(sizes)}" width="${image.width}" height="${image.height}" alt="${attr(alt)}" loading="lazy" decoding="async">`;
}

/** A `<picture>` with one `<source>` per output format the image has (best first) and the `<img>` fallback. */
export function pictureSnippet(image: Deliverable, alt = '', sizes = DEFAULT_SIZES): string | null {
  const img = imgTag(image, alt, sizes);
  if (!img) return null;
  const sources = formatsOf(image).map((f) => `  <source type="image/${f}" srcset="${attr(srcsetOf(image, f)!)}" sizes="${attr(sizes)}">`);
  return ['<picture>', ...sources, `  ${img}`, '</picture>'].join('\n');
}
