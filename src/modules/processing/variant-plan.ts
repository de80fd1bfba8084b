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

/** A named box (contract §13): the collection's, checked (images/art-direction.ts). */
export interface NamedBox {
  name: string;
  width: number;
  height: number;
  fit: 'cover' | 'contain' | 'inside';
}

/** A rectangle of the upright source, in its pixels. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One named file to make: `region` of the source, scaled to `inner`, placed at its offset on a `width` × `height` canvas. */
export interface PlannedCrop {
  name: string;
  fit: NamedBox['fit'];
  /** Its pixels depend on the focal point (cover crops): re-rendered when it moves. */
  cropped: boolean;
  region: Region;
  /** The file's dimensions. */
  width: number;
  height: number;
  /** Where the picture sits on the file: the whole file, except for `contain`'s letterbox. */
  inner: Region;
}

/**
 * Plans the named variants of a `source` (upright dimensions) around `focal` (0–1). Never enlarges:
 * `cover` from a source smaller than the box gives the largest crop of the box's shape; `inside`
 * keeps the source's size; `contain` keeps it too, on the smallest canvas of the box's shape that
 * holds it. A cover crop always holds the focal point.
 */
export function planNamed(source: { width: number; height: number }, boxes: readonly NamedBox[], focal: { x: number; y: number }): PlannedCrop[] {
  const { width: W, height: H } = source;
  const fx = clamp01(focal.x) * W;
  const fy = clamp01(focal.y) * H;
  const whole: Region = { left: 0, top: 0, width: W, height: H };
  return boxes.map((box) => {
    const { name, fit, width: w, height: h } = box;
    if (fit === 'cover') {
      const wider = W / H > w / h;
      const cw = wider ? Math.min(W, Math.max(1, Math.round((H * w) / h))) : W;
      const ch = wider ? H : Math.min(H, Math.max(1, Math.round((W * h) / w)));
      const left = clampInt(Math.round(fx - cw / 2), 0, W - cw);
      const top = clampInt(Math.round(fy - ch / 2), 0, H - ch);
      // never enlarged: a crop smaller than the box is the file itself
      const out = cw >= w ? { width: w, height: h } : { width: cw, height: ch };
      return { name, fit, cropped: true, region: { left, top, width: cw, height: ch }, ...out, inner: { left: 0, top: 0, ...out } };
    }
    const scale = Math.min(1, w / W, h / H);
    const inner = { width: side(W * scale), height: side(H * scale) };
    if (fit === 'inside') return { name, fit, cropped: false, region: whole, ...inner, inner: { left: 0, top: 0, ...inner } };
    // contain: the box, or (a smaller source) the smallest canvas of its shape around the source
    const grow = scale < 1 ? 1 : Math.max(W / w, H / h);
    const canvas = { width: Math.max(inner.width, side(w * grow)), height: Math.max(inner.height, side(h * grow)) };
    const offset = { left: Math.floor((canvas.width - inner.width) / 2), top: Math.floor((canvas.height - inner.height) / 2) };
    return { name, fit, cropped: false, region: whole, ...canvas, inner: { ...offset, ...inner } };
  });
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const clampInt = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
