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
 * binary in test/quality-metric.test.ts (fixtures/ssimulacra2-reference.json). This file walks the
 * scales and components; the per-pixel loops run in WebAssembly (ssimulacra2-kernels.ts), whose memory
 * holds the working planes, kept between calls for the same or smaller size.
 */
import { BIAS_CBRT, floats, metricMemory, type Layout, type PlaneSet } from './ssimulacra2-kernels.ts';
import { counted, scaleCount, scoreOf, ZERO_NORMS } from './ssimulacra2-weights.ts';
import { toLinearPlanes } from './xyb.ts';

export interface RgbImage {
  /** Interleaved 8-bit sRGB, row-major, no padding. */
  data: Uint8Array;
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: number;
}

type Kernels = ReturnType<typeof metricMemory>['kernels'];

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
  /** Per component; empty where the component is not counted at this scale. */
  xyb: Float32Array[];
  mu: Float32Array[];
  s11: Float32Array[];
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
  const { kernels: k, layout: l } = metricMemory(width * height, width);
  toLinearPlanes(original.data, 3, width * height, views(k, l.linear1, width * height), 0.5);
  const scales: ReferenceScale[] = [];
  for (let scale = 0; scale < levels; scale++) {
    if (scale > 0) ({ width, height } = downsampleAll(k, l.linear1, width, height));
    const count = width * height;
    k.xyb(...l.linear1, ...l.xyb1, count, counted(2, scale, levels) ? 1 : 0, BIAS_CBRT);
    const ref: ReferenceScale = { width, height, xyb: [], mu: [], s11: [] };
    for (let c = 0; c < 3; c++) {
      if (!counted(c, scale, levels)) continue;
      const a = l.xyb1[c]!;
      blur(k, l, a, a, l.s11, width, height);
      blur(k, l, a, null, l.mu1, width, height);
      ref.xyb[c] = floats(k, a, count).slice();
      ref.mu[c] = floats(k, l.mu1, count).slice();
      ref.s11[c] = floats(k, l.s11, count).slice();
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
  const { kernels: k, layout: l } = metricMemory(width * height, width);
  toLinearPlanes(distorted.data, 3, width * height, views(k, l.linear2, width * height), 0.5);
  const norms: number[][][] = [[], [], []];
  for (const [scale, ref] of reference.scales.entries()) {
    if (scale > 0) ({ width, height } = downsampleAll(k, l.linear2, width, height));
    const count = width * height;
    k.xyb(...l.linear2, ...l.xyb2, count, counted(2, scale, levels) ? 1 : 0, BIAS_CBRT);
    for (let c = 0; c < 3; c++) {
      if (!counted(c, scale, levels)) {
        norms[c]!.push(ZERO_NORMS);
        continue;
      }
      floats(k, l.xyb1[c]!, count).set(ref.xyb[c]!);
      floats(k, l.mu1, count).set(ref.mu[c]!);
      floats(k, l.s11, count).set(ref.s11[c]!);
      norms[c]!.push(componentNorms(k, l, l.xyb1[c]!, l.xyb2[c]!, width, height, true));
    }
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

function views(k: Kernels, planes: PlaneSet, count: number): [Float32Array, Float32Array, Float32Array] {
  return [floats(k, planes[0], count), floats(k, planes[1], count), floats(k, planes[2], count)];
}

/** Halves each plane in place (each output the mean of a 2×2 block, the last row or column repeated when odd). */
function downsampleAll(k: Kernels, planes: PlaneSet, width: number, height: number): { width: number; height: number } {
  for (const plane of planes) k.downsample(plane, width, height);
  return { width: Math.ceil(width / 2), height: Math.ceil(height / 2) };
}

/** out = the blur of a (b null) or of a·b, rounded to single precision before the blur. */
function blur(k: Kernels, l: Layout, a: number, b: number | null, out: number, width: number, height: number): void {
  k.blur(a, b ?? 0, b === null ? 0 : 1, out, width, height, l.temp, l.scratch, l.columnState);
}

function score(original: RgbImage, distorted: RgbImage, background: number, every: boolean): number {
  let { width, height } = original;
  const levels = scaleCount(width, height);
  const { kernels: k, layout: l } = metricMemory(width * height, width);
  toLinearPlanes(original.data, original.channels, width * height, views(k, l.linear1, width * height), background);
  toLinearPlanes(distorted.data, distorted.channels, width * height, views(k, l.linear2, width * height), background);
  // norms[c][scale] = [ssim mean, ssim 4-norm, ringing mean, ringing 4-norm, blur mean, blur 4-norm]
  const norms: number[][][] = [[], [], []];
  for (let scale = 0; scale < levels; scale++) {
    if (scale > 0) {
      downsampleAll(k, l.linear1, width, height);
      ({ width, height } = downsampleAll(k, l.linear2, width, height));
    }
    const count = width * height;
    const needed = (c: number) => every || counted(c, scale, levels);
    k.xyb(...l.linear1, ...l.xyb1, count, needed(2) ? 1 : 0, BIAS_CBRT);
    k.xyb(...l.linear2, ...l.xyb2, count, needed(2) ? 1 : 0, BIAS_CBRT);
    for (let c = 0; c < 3; c++) norms[c]!.push(needed(c) ? componentNorms(k, l, l.xyb1[c]!, l.xyb2[c]!, width, height, false) : ZERO_NORMS);
  }
  return scoreOf(norms);
}

/** The six norms of one XYB component at one scale; `prepared`: mu1 and s11 already hold the original's blurs. */
function componentNorms(k: Kernels, l: Layout, a: number, b: number, width: number, height: number, prepared: boolean): number[] {
  const count = width * height;
  if (!prepared) {
    blur(k, l, a, a, l.s11, width, height);
    blur(k, l, a, null, l.mu1, width, height);
  }
  blur(k, l, b, b, l.s22, width, height);
  blur(k, l, a, b, l.s12, width, height);
  blur(k, l, b, null, l.mu2, width, height);
  k.maps(a, b, l.mu1, l.mu2, l.s11, l.s22, l.s12, count, l.result);
  const [ssim, ssim4, ring, ring4, lost, lost4] = new Float64Array(k.memory.buffer, l.result, 6);
  const root4 = (v: number) => Math.sqrt(Math.sqrt(v / count));
  return [ssim! / count, root4(ssim4!), ring! / count, root4(ring4!), lost! / count, root4(lost4!)];
}
