/**
 * SSIMULACRA 2 (Jon Sneyers, Cloudinary, 2022–2023; version 2.1): a full-reference perceptual metric,
 * 100 = identical, 90 visually lossless, 80 very high quality, 70 high, 50 medium, 30 low.
 * Implemented from its published description and constants:
 *
 * - both images to linear RGB, then at each of 6 scales (1:1 to 1:32, halving in linear light) to XYB;
 * - per scale and XYB component, with a Gaussian blur of sigma 1.5 (recursive-gaussian.ts): an SSIM map
 *   without SSIM's luminance denominator, and an edge map comparing |image − blur| of the two: where the
 *   distorted image has edges the original lacks (ringing, blocking) and the other way round (blur);
 * - the 1-norm and 4-norm of each of those 54 maps, weighted by the 108 published weights, through the
 *   published cubic and power transfer into a score.
 *
 * Pure: two interleaved 8-bit sRGB buffers (3 channels, or 4 with alpha: then the worse of the scores
 * over a dark and a bright background, as the reference does) → a number. Checked against the reference
 * binary in test/quality-metric.test.ts (fixtures/ssimulacra2-reference.json). All working memory
 * is typed arrays, kept between calls for the same or smaller size (Workspace).
 */
import { blurScratch, gaussianBlur, recursiveGaussian, type BlurScratch } from './recursive-gaussian.ts';
import { counted, scaleCount, SCALES, scoreOf, ZERO_NORMS } from './ssimulacra2-weights.ts';
import { downsample2x, linearToPositiveXyb, toLinearPlanes } from './xyb.ts';

export interface RgbImage {
  /** Interleaved 8-bit sRGB, row-major, no padding. */
  data: Uint8Array;
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: number;
}

const C2 = Math.fround(0.0009);
const f32 = Math.fround;
const BLUR = recursiveGaussian(1.5);

type Planes = [Float32Array, Float32Array, Float32Array];

/** Working memory for one comparison; reused while images are no larger. */
interface Workspace {
  pixels: number;
  width: number;
  linear1: Planes;
  linear2: Planes;
  xyb1: Planes;
  xyb2: Planes;
  product: Float32Array;
  /** Blurred: mu1, mu2, sigma11, sigma22, sigma12 of one component. */
  mu1: Float32Array;
  mu2: Float32Array;
  s11: Float32Array;
  s22: Float32Array;
  s12: Float32Array;
  blur: BlurScratch;
}

let cached: Workspace | null = null;

function workspace(pixels: number, width: number): Workspace {
  if (cached && cached.pixels >= pixels && cached.width >= width) return cached;
  const plane = () => new Float32Array(pixels);
  const planes = (): Planes => [plane(), plane(), plane()];
  cached = {
    pixels,
    width,
    linear1: planes(),
    linear2: planes(),
    xyb1: planes(),
    xyb2: planes(),
    product: plane(),
    mu1: plane(),
    mu2: plane(),
    s11: plane(),
    s22: plane(),
    s12: plane(),
    blur: blurScratch(pixels, width),
  };
  return cached;
}

/** Lets the working memory (~20 float planes of the largest image seen) be collected. */
export function releaseSsimulacra2Memory(): void {
  cached = null;
}

/**
 * The SSIMULACRA 2 score of `distorted` against `original` (same size, at least 8×8). `everyMap`
 * computes the maps of negligible weight too, as the reference does (the tests bound the difference).
 */
export function ssimulacra2(original: RgbImage, distorted: RgbImage, options: { everyMap?: boolean } = {}): number {
  checkImage(original, original.width, original.height);
  checkImage(distorted, original.width, original.height);
  const every = options.everyMap === true;
  if (original.channels === 3 && distorted.channels === 3) return score(original, distorted, 0.5, every);
  return Math.min(score(original, distorted, 0.1, every), score(original, distorted, 0.9, every));
}

/** The original's side of a comparison at each scale: its XYB planes, their blur and the blur of their squares. */
interface ReferenceScale {
  width: number;
  height: number;
  xyb: Planes;
  mu: Planes;
  s11: Planes;
}

/**
 * An original prepared once for several comparisons (the quality search scores a few encodes of the
 * same picture): two of the five blurs per scale and component, and the original's colour
 * conversions, depend on it alone. 3-channel originals only; the scores are the same as ssimulacra2's.
 */
export interface Ssimulacra2Reference {
  width: number;
  height: number;
  scales: ReferenceScale[];
}

export function ssimulacra2Reference(original: RgbImage): Ssimulacra2Reference {
  checkImage(original, original.width, original.height);
  if (original.channels !== 3) throw new Error('ssimulacra2Reference: expected 3-channel RGB pixels');
  let { width, height } = original;
  const levels = scaleCount(width, height);
  const ws = workspace(width * height, width);
  toLinearPlanes(original.data, 3, width * height, ws.linear1, 0.5);
  const scales: ReferenceScale[] = [];
  for (let scale = 0; scale < SCALES; scale++) {
    if (width < 8 || height < 8) break;
    if (scale > 0) ({ width, height } = downsampleAll(ws.linear1, width, height));
    const count = width * height;
    const plane = () => new Float32Array(count);
    const ref: ReferenceScale = { width, height, xyb: [plane(), plane(), plane()], mu: [plane(), plane(), plane()], s11: [plane(), plane(), plane()] };
    linearToPositiveXyb(ws.linear1, ref.xyb, count, counted(2, scale, levels));
    for (let c = 0; c < 3; c++) {
      if (!counted(c, scale, levels)) continue;
      const a = ref.xyb[c]!;
      for (let i = 0; i < count; i++) ws.product[i] = a[i]! * a[i]!;
      gaussianBlur(BLUR, ws.product, ref.s11[c]!, width, height, ws.blur);
      gaussianBlur(BLUR, a, ref.mu[c]!, width, height, ws.blur);
    }
    scales.push(ref);
  }
  return { width: original.width, height: original.height, scales };
}

/** The score of `distorted` (3 or 4 channels, the reference's size) against a prepared original. */
export function ssimulacra2Against(reference: Ssimulacra2Reference, distorted: RgbImage): number {
  checkImage(distorted, reference.width, reference.height);
  // with alpha the reference blends the original over two backgrounds: not what was prepared
  if (distorted.channels !== 3) throw new Error('ssimulacra2Against: expected 3-channel RGB pixels');
  let { width, height } = reference;
  const levels = reference.scales.length;
  const ws = workspace(width * height, width);
  toLinearPlanes(distorted.data, 3, width * height, ws.linear2, 0.5);
  const norms: number[][][] = [[], [], []];
  for (const [scale, ref] of reference.scales.entries()) {
    if (scale > 0) ({ width, height } = downsampleAll(ws.linear2, width, height));
    linearToPositiveXyb(ws.linear2, ws.xyb2, width * height, counted(2, scale, levels));
    for (let c = 0; c < 3; c++) norms[c]!.push(counted(c, scale, levels) ? componentNorms(ws, ref.xyb[c]!, ws.xyb2[c]!, width, height, { mu1: ref.mu[c]!, s11: ref.s11[c]! }) : ZERO_NORMS);
  }
  return scoreOf(norms);
}

function checkImage(image: RgbImage, width: number, height: number): void {
  if (image.width !== width || image.height !== height) throw new Error('ssimulacra2: the images differ in size');
  if (width < 8 || height < 8) throw new Error('ssimulacra2: the minimum image size is 8×8 pixels');
  if ((image.channels !== 3 && image.channels !== 4) || image.data.length < width * height * image.channels) {
    throw new Error('ssimulacra2: expected interleaved 8-bit RGB or RGBA pixels');
  }
}

function downsampleAll(planes: Planes, width: number, height: number): { width: number; height: number } {
  let size = { width, height };
  for (const plane of planes) size = downsample2x(plane, width, height);
  return size;
}

function score(original: RgbImage, distorted: RgbImage, background: number, every: boolean): number {
  let { width, height } = original;
  const levels = scaleCount(width, height);
  const ws = workspace(width * height, width);
  toLinearPlanes(original.data, original.channels, width * height, ws.linear1, background);
  toLinearPlanes(distorted.data, distorted.channels, width * height, ws.linear2, background);
  // norms[c][scale] = [ssim mean, ssim 4-norm, ringing mean, ringing 4-norm, blur mean, blur 4-norm]
  const norms: number[][][] = [[], [], []];
  for (let scale = 0; scale < SCALES; scale++) {
    if (width < 8 || height < 8) break;
    if (scale > 0) {
      downsampleAll(ws.linear1, width, height);
      ({ width, height } = downsampleAll(ws.linear2, width, height));
    }
    const count = width * height;
    const needed = (c: number) => every || counted(c, scale, levels);
    linearToPositiveXyb(ws.linear1, ws.xyb1, count, needed(2));
    linearToPositiveXyb(ws.linear2, ws.xyb2, count, needed(2));
    for (let c = 0; c < 3; c++) norms[c]!.push(needed(c) ? componentNorms(ws, ws.xyb1[c]!, ws.xyb2[c]!, width, height) : ZERO_NORMS);
  }
  return scoreOf(norms);
}

/** The six norms of one XYB component at one scale. */
function componentNorms(ws: Workspace, a: Float32Array, b: Float32Array, width: number, height: number, prepared?: { mu1: Float32Array; s11: Float32Array }): number[] {
  const count = width * height;
  const { product, mu2, s22, s12, blur } = ws;
  const mu1 = prepared?.mu1 ?? ws.mu1;
  const s11 = prepared?.s11 ?? ws.s11;
  if (!prepared) {
    for (let i = 0; i < count; i++) product[i] = a[i]! * a[i]!;
    gaussianBlur(BLUR, product, s11, width, height, blur);
    gaussianBlur(BLUR, a, mu1, width, height, blur);
  }
  for (let i = 0; i < count; i++) product[i] = b[i]! * b[i]!;
  gaussianBlur(BLUR, product, s22, width, height, blur);
  for (let i = 0; i < count; i++) product[i] = a[i]! * b[i]!;
  gaussianBlur(BLUR, product, s12, width, height, blur);
  gaussianBlur(BLUR, b, mu2, width, height, blur);
  let ssim = 0, ssim4 = 0, ring = 0, ring4 = 0, lost = 0, lost4 = 0;
  for (let i = 0; i < count; i++) {
    // in single precision like the reference, whose rounding is part of what it measures
    const m1 = mu1[i]!, m2 = mu2[i]!;
    const m11 = f32(m1 * m1), m22 = f32(m2 * m2), m12 = f32(m1 * m2);
    const diff = f32(m1 - m2);
    // SSIM without the luminance term's denominator (the values are already perceptual)
    const numM = f32(1 - diff * diff);
    const numS = f32(f32(2 * f32(s12[i]! - m12)) + C2);
    const denS = f32(f32(f32(s11[i]! - m11) + f32(s22[i]! - m22)) + C2);
    const d = Math.max(0, 1 - f32(f32(numM * numS) / denS));
    ssim += d;
    ssim4 += d * d * d * d;
    const edge = (1 + Math.abs(f32(b[i]! - m2))) / (1 + Math.abs(f32(a[i]! - m1))) - 1;
    if (edge > 0) {
      ring += edge;
      ring4 += edge * edge * edge * edge;
    } else {
      lost -= edge;
      lost4 += edge * edge * edge * edge;
    }
  }
  const root4 = (v: number) => Math.sqrt(Math.sqrt(v / count));
  return [ssim / count, root4(ssim4), ring / count, root4(ring4), lost / count, root4(lost4)];
}
