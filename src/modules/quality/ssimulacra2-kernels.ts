/**
 * The hot loops of SSIMULACRA 2 in WebAssembly SIMD (wasm/ssimulacra2.ts, AssemblyScript, built by
 * `npm run build` into ssimulacra2.wasm next to this file): the downscale, the XYB conversion, the
 * Gaussian blur and the SSIM and edge maps. They compute the arithmetic the TypeScript implementation
 * they replaced computed (commit 4a166e3), rounding to single precision at the same steps (the blur's
 * recurrence is numerically sensitive: a different rounding moved scores by up to 1.0 near 90), so the
 * scores agree with it to ~1e-13 (test/quality-metric.test.ts) in ~0.42× the time (bench:metric).
 *
 * One instance per thread (the worker pool's threads each load their own). Its memory holds the planes
 * of the largest image seen; `metricMemory` lays them out and grows the memory when an image is larger.
 */
import { readFileSync } from 'node:fs';
import { recursiveGaussian } from './recursive-gaussian.ts';

interface KernelExports {
  memory: WebAssembly.Memory;
  downsample(plane: number, width: number, height: number): void;
  xyb(r: number, g: number, b: number, x: number, y: number, bOut: number, count: number, withB: number, biasCbrt: number): void;
  setBlur(radius: number, a1: number, a3: number, a5: number, b1: number, b3: number, b5: number): void;
  coefficients(): number;
  blur(a: number, b: number, product: number, out: number, width: number, height: number, temp: number, scratch: number, columnState: number): void;
  maps(a: number, b: number, mu1: number, mu2: number, s11: number, s22: number, s12: number, count: number, result: number): void;
}

const WASM = new URL('./ssimulacra2.wasm', import.meta.url);
const PAGE = 65536;
/** The first page belongs to the module (its constants and scratch). */
const FIRST = PAGE;
const BLUR = recursiveGaussian(1.5);
const BIAS_CBRT = Math.cbrt(0.0037930732552754493);

let compiled: WebAssembly.Module | null = null;

function load(): KernelExports {
  if (!compiled) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(WASM));
    } catch (err) {
      throw new Error(`SSIMULACRA 2's kernels are not built (${WASM.pathname}): run npm run build`, { cause: err });
    }
    compiled = new WebAssembly.Module(bytes);
  }
  const kernels = new WebAssembly.Instance(compiled, { env: { abort: () => { throw new Error('ssimulacra2.wasm: abort'); } } }).exports as unknown as KernelExports;
  const g = BLUR;
  kernels.setBlur(g.radius, g.n2[0], g.n2[1], g.n2[2], g.d1[0], g.d1[1], g.d1[2]);
  new Float64Array(kernels.memory.buffer, kernels.coefficients(), g.unrolled.length).set(g.unrolled);
  return kernels;
}

export type PlaneSet = [number, number, number];

/** Where each plane of one comparison lives in the module's memory (byte offsets), for images up to `pixels`. */
export interface Layout {
  pixels: number;
  width: number;
  linear1: PlaneSet;
  linear2: PlaneSet;
  xyb1: PlaneSet;
  xyb2: PlaneSet;
  mu1: number;
  mu2: number;
  s11: number;
  s22: number;
  s12: number;
  temp: number;
  scratch: number;
  columnState: number;
  result: number;
}

function layout(pixels: number, width: number): { layout: Layout; bytes: number } {
  let next = FIRST;
  const take = (bytes: number) => {
    const at = next;
    next += Math.ceil(bytes / 64) * 64;
    return at;
  };
  const plane = () => take(4 * pixels);
  const planes = (): PlaneSet => [plane(), plane(), plane()];
  const pad = 2 * BLUR.radius + 1;
  const l: Layout = {
    pixels,
    width,
    linear1: planes(),
    linear2: planes(),
    xyb1: planes(),
    xyb2: planes(),
    mu1: plane(),
    mu2: plane(),
    s11: plane(),
    s22: plane(),
    s12: plane(),
    temp: plane(),
    // the row pass: two rows interleaved with `pad` zeros each side, its state, its output
    scratch: take(8 * (width + 2 * pad + 4) + 96 + 8 * width),
    // the column pass: the state of each pair of columns
    columnState: take(96 * Math.ceil(width / 2)),
    result: take(48),
  };
  return { layout: l, bytes: next };
}

let kernels: KernelExports | null = null;
let current: Layout | null = null;

/** The module and a layout for an image of `pixels` pixels and `width` columns (the memory grown if needed). */
export function metricMemory(pixels: number, width: number): { kernels: KernelExports; layout: Layout } {
  kernels ??= load();
  if (!current || current.pixels < pixels || current.width < width) {
    const planned = layout(Math.max(pixels, current?.pixels ?? 0), Math.max(width, current?.width ?? 0));
    const missing = Math.ceil(planned.bytes / PAGE) - kernels.memory.buffer.byteLength / PAGE;
    if (missing > 0) kernels.memory.grow(missing);
    current = planned.layout;
  }
  return { kernels, layout: current };
}

/** A Float32Array over `count` floats of the module's memory at `offset` (valid until the memory grows). */
export function floats(k: KernelExports, offset: number, count: number): Float32Array {
  return new Float32Array(k.memory.buffer, offset, count);
}

export { BIAS_CBRT };
