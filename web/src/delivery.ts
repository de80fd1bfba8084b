/**
 * Delivery URLs and snippets for a ready image. src and srcset are the server's (`Image.src`,
 * `Image.srcset`: the 768 size, and the widths 320–1280 with their size as the `w` descriptor), so
 * the dashboard shows exactly what API clients get; single sizes come from `variants`.
 */
import { isReady } from './image-status.ts';

export interface Variant {
  size: number;
  width: number;
  height: number;
  bytes: number;
  url: string;
}

export interface Deliverable {
  status: string;
  slug: string;
  src: string | null;
  srcset: string | null;
  width: number;
  height: number;
  variants: readonly Variant[];
}

/** Size 0 is the whole image at its own dimensions. */
export const FULL_SIZE = 0;
/** For a layout where the image is at most a column wide; callers with a known layout pass their own. */
export const DEFAULT_SIZES = '(max-width: 768px) 100vw, 768px';

/** The variants in size order (full size first), or none until the image is ready. */
export function variantsOf(image: Deliverable): Variant[] {
  return isReady(image.status) ? [...image.variants].sort((a, b) => a.size - b.size) : [];
}

export function urlOf(image: Deliverable, size: number): string | null {
  return variantsOf(image).find((v) => v.size === size)?.url ?? null;
}

export function srcOf(image: Deliverable): string | null {
  return isReady(image.status) ? image.src : null;
}

export function srcsetOf(image: Deliverable): string | null {
  return isReady(image.status) ? image.srcset : null;
}

/** The URL for another output format of the same variant (`.webp` → `.avif`). */
function withFormat(url: string, format: string): string {
  return url.replace(/\.webp$/, `.${format}`);
}

const attr = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/** An `<img>` tag with src, srcset, sizes and intrinsic dimensions (no layout shift). */
export function imgTag(image: Deliverable, alt = '', sizes = DEFAULT_SIZES): string | null {
  const src = srcOf(image);
  const srcset = srcsetOf(image);
  if (!src || !srcset) return null;
  return `<img src="${attr(src)}" srcset="${attr(srcset)}" sizes="${attr(sizes)}" width="${image.width}" height="${image.height}" alt="${attr(alt)}" loading="lazy" decoding="async">`;
}

/** A `<picture>` with one `<source>` per output format (best first) and the `<img>` fallback. */
export function pictureSnippet(image: Deliverable, formats: readonly string[] = ['webp'], alt = '', sizes = DEFAULT_SIZES): string | null {
  const img = imgTag(image, alt, sizes);
  const srcset = srcsetOf(image);
  if (!img || !srcset) return null;
  const order = ['avif', 'webp'].filter((f) => formats.includes(f));
  const sources = order.map((f) => {
    const set = srcset.replace(/(\S+\.webp)(?= \d+w)/g, (url) => withFormat(url, f));
    return `  <source type="image/${f}" srcset="${attr(set)}" sizes="${attr(sizes)}">`;
  });
  return ['<picture>', ...sources, `  ${img}`, '</picture>'].join('\n');
}
