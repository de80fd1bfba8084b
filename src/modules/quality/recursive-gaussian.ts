/**
 * The Gaussian blur SSIMULACRA 2 uses (sigma 1.5): the recursive filter of Charalampidis, "Recursive
 * Implementation of the Gaussian Filter Using Truncated Cosine Functions" (IEEE TSP 2016), as libjxl
 * applies it: three second-order sections (k = 1, 3, 5) fed by the sum of the samples N + 1 before and
 * N − 1 after the output, outside the image read as zero, run along the rows and then down the columns.
 * O(1) per pixel whatever sigma is. Pure; the caller owns every buffer (no allocation per call).
 */

export interface RecursiveGaussian {
  /** N: the half-width of the truncated kernel. */
  radius: number;
  /** Per section k = 1, 3, 5 (single precision): the input gain and the feedback coefficient of the recurrence. */
  n2: [number, number, number];
  d1: [number, number, number];
  /**
   * The recurrence unrolled over four outputs (o0 = n·i0 − d·p − pp, o1 = n·i1 − d·o0 − p, …): per
   * section, the weights of the inputs, of the previous output and of the one before, for lanes 0–3.
   * The rows are filtered four outputs at a time with these, rounded as the reference's vector code
   * rounds (its float32 rounding noise is part of the scores it gives near 100).
   */
  mulIn: number[][];
  mulPrev: number[][];
  mulPrev2: number[][];
  /** The same three tables packed per section (in 0–3, prev 4–7, prev2 8–11) for the hot loop. */
  unrolled: Float64Array;
}

/** Coefficients for `sigma`, from the paper's closed forms (equations 33–57). */
export function recursiveGaussian(sigma: number): RecursiveGaussian {
  const radius = Math.round(3.2795 * sigma + 0.2546);
  const base = Math.PI / (2 * radius);
  const omega = [base, 3 * base, 5 * base] as const;
  const p = [1 / Math.tan(omega[0] / 2), -1 / Math.tan(omega[1] / 2), 1 / Math.tan(omega[2] / 2)] as const;
  const r = [(p[0] * p[0]) / Math.sin(omega[0]), (-p[1] * p[1]) / Math.sin(omega[1]), (p[2] * p[2]) / Math.sin(omega[2])] as const;
  const rho = omega.map((w) => Math.exp(-0.5 * sigma * sigma * w * w) / radius);
  const d13 = p[0] * r[1] - r[0] * p[1];
  const d35 = p[1] * r[2] - r[1] * p[2];
  const d51 = p[2] * r[0] - r[2] * p[0];
  const zeta15 = d35 / d13;
  const zeta35 = d51 / d13;
  const matrix = [p[0], p[1], p[2], r[0], r[1], r[2], zeta15, zeta35, 1];
  const gamma = [1, radius * radius - sigma * sigma, zeta15 * rho[0]! + zeta35 * rho[1]! + rho[2]!];
  const beta = solve3(matrix, gamma);
  const n2: [number, number, number] = [0, 0, 0];
  const d1: [number, number, number] = [0, 0, 0];
  const mulIn: number[][] = [];
  const mulPrev: number[][] = [];
  const mulPrev2: number[][] = [];
  for (let k = 0; k < 3; k++) {
    const n = -beta[k]! * Math.cos(omega[k]! * (radius + 1));
    const d = -2 * Math.cos(omega[k]!);
    const d2 = d * d;
    n2[k] = f32(n);
    d1[k] = f32(d);
    mulPrev[k] = [-d, d2 - 1, -d2 * d + 2 * d, d2 * d2 - 3 * d2 + 1].map(f32);
    mulPrev2[k] = [-1, d, -d2 + 1, d2 * d - 2 * d].map(f32);
    mulIn[k] = [n, -d * n, d2 * n - n, -d2 * d * n + 2 * d * n].map(f32);
  }
  const unrolled = Float64Array.from([0, 1, 2].flatMap((k) => [...mulIn[k]!, ...mulPrev[k]!, ...mulPrev2[k]!]));
  return { radius, n2, d1, mulIn, mulPrev, mulPrev2, unrolled };
}

/** x with A·x = b for a 3×3 row-major A (Cramer's rule). */
function solve3(a: number[], b: number[]): number[] {
  const det = (m: number[]) => m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  const d = det(a);
  return [0, 1, 2].map((col) => det(a.map((v, i) => (i % 3 === col ? b[Math.floor(i / 3)]! : v))) / d);
}

/** Scratch space for blurs of images up to `pixels` pixels and `width` columns. */
export interface BlurScratch {
  temp: Float32Array;
  /** The vertical pass's per-column state: the previous two outputs of each section. */
  columnState: Float32Array;
}

export function blurScratch(pixels: number, width: number): BlurScratch {
  return { temp: new Float32Array(pixels), columnState: new Float32Array(6 * width) };
}

/** out = the blur of `input` (width × height, row-major); `input` and `out` may not be the same array. */
export function gaussianBlur(g: RecursiveGaussian, input: Float32Array, out: Float32Array, width: number, height: number, scratch: BlurScratch): void {
  const temp = scratch.temp;
  for (let y = 0; y < height; y++) blurRow(g, input, temp, y * width, width);
  blurColumns(g, temp, out, width, height, scratch.columnState);
}

function blurRow(g: RecursiveGaussian, input: Float32Array, out: Float32Array, offset: number, width: number): void {
  const n = g.radius;
  const state = ROW_STATE; // per section: previous output, the one before
  state.fill(0);
  const at = (i: number) => (i >= 0 && i < width ? input[offset + i]! : 0);
  // one output at a time near the edges (with bounds checks), four at a time in between
  const firstAligned = Math.ceil((n + 1) / 4) * 4;
  let x = -n + 1;
  for (; x < Math.min(firstAligned, width); x++) single(g, state, f32(at(x - n - 1) + at(x + n - 1)), out, offset + x, x >= 0);
  const c = g.unrolled;
  for (; x < width - n + 1 - 3; x += 4) {
    const base = offset + x;
    const s0 = f32(input[base - n - 1]! + input[base + n - 1]!);
    const s1 = f32(input[base - n]! + input[base + n]!);
    const s2 = f32(input[base - n + 1]! + input[base + n + 1]!);
    const s3 = f32(input[base - n + 2]! + input[base + n + 2]!);
    // per section k: c[12k..12k+3] input weights, +4 previous-output weights, +8 weights of the one before
    let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (let k = 0, o = 0; k < 3; k++, o += 12) {
      const prev = state[2 * k]!, prev2 = state[2 * k + 1]!;
      const i0 = c[o]!, i1 = c[o + 1]!, i2 = c[o + 2]!, i3 = c[o + 3]!;
      const o0 = f32(c[o + 4]! * prev + f32(c[o + 8]! * prev2 + f32(i0 * s0)));
      const o1 = f32(c[o + 5]! * prev + f32(c[o + 9]! * prev2 + f32(i0 * s1 + f32(i1 * s0))));
      const o2 = f32(c[o + 6]! * prev + f32(c[o + 10]! * prev2 + f32(i0 * s2 + f32(i1 * s1 + f32(i2 * s0)))));
      const o3 = f32(c[o + 7]! * prev + f32(c[o + 11]! * prev2 + f32(i0 * s3 + f32(i1 * s2 + f32(i2 * s1 + f32(i3 * s0))))));
      state[2 * k] = o3;
      state[2 * k + 1] = o2;
      // outputs sum as out1 + (out3 + out5)
      if (k === 0) { t0 = o0; t1 = o1; t2 = o2; t3 = o3; }
      else if (k === 1) { LANES[0] = o0; LANES[1] = o1; LANES[2] = o2; LANES[3] = o3; }
      else {
        out[base] = f32(t0 + f32(LANES[0]! + o0));
        out[base + 1] = f32(t1 + f32(LANES[1]! + o1));
        out[base + 2] = f32(t2 + f32(LANES[2]! + o2));
        out[base + 3] = f32(t3 + f32(LANES[3]! + o3));
      }
    }
  }
  for (; x < width; x++) single(g, state, f32(at(x - n - 1) + at(x + n - 1)), out, offset + x, true);
}

const f32 = Math.fround;
const ROW_STATE = new Float64Array(6);
const SUMS = new Float64Array(4);
const LANES = new Float64Array(4);

/** One step of the recurrence for the three sections (fused multiply-adds, single precision). */
function single(g: RecursiveGaussian, state: Float64Array, sum: number, out: Float32Array, index: number, write: boolean): void {
  let total = 0;
  const outs = SUMS; // free here: the four-wide loop is not running
  for (let k = 0; k < 3; k++) {
    const prev = state[2 * k]!, prev2 = state[2 * k + 1]!;
    let o = f32(sum * g.mulIn[k]![0]!);
    o = f32(o - prev2);
    o = f32(g.mulPrev[k]![0]! * prev + o);
    state[2 * k + 1] = prev;
    state[2 * k] = o;
    outs[k] = o;
  }
  total = f32(outs[0]! + f32(outs[1]! + outs[2]!));
  if (write) out[index] = total;
}

/** The same recurrence down every column at once, a row at a time (cache-friendly). */
function blurColumns(g: RecursiveGaussian, input: Float32Array, out: Float32Array, width: number, height: number, state: Float32Array): void {
  const n = g.radius;
  const [a1, a3, a5] = g.n2;
  const [b1, b3, b5] = g.d1;
  state.fill(0, 0, 6 * width);
  // per section: the previous output of each column (s) and the one before (r)
  const s1 = state.subarray(0, width), r1 = state.subarray(width, 2 * width);
  const s3 = state.subarray(2 * width, 3 * width), r3 = state.subarray(3 * width, 4 * width);
  const s5 = state.subarray(4 * width, 5 * width), r5 = state.subarray(5 * width, 6 * width);
  for (let y = -n + 1; y < height; y++) {
    const top = y - n - 1;
    const bottom = y + n - 1;
    const topRow = top >= 0 ? top * width : -1;
    const bottomRow = bottom < height ? bottom * width : -1;
    const outRow = y * width;
    const write = y >= 0;
    for (let x = 0; x < width; x++) {
      const sum = f32((topRow >= 0 ? input[topRow + x]! : 0) + (bottomRow >= 0 ? input[bottomRow + x]! : 0));
      const p1 = s1[x]!, p3 = s3[x]!, p5 = s5[x]!;
      const y1 = f32(a1 * sum + f32(-b1 * p1 - r1[x]!));
      const y3 = f32(a3 * sum + f32(-b3 * p3 - r3[x]!));
      const y5 = f32(a5 * sum + f32(-b5 * p5 - r5[x]!));
      r1[x] = p1; s1[x] = y1;
      r3[x] = p3; s3[x] = y3;
      r5[x] = p5; s5[x] = y5;
      if (write) out[outRow + x] = f32(y1 + f32(y3 + y5));
    }
  }
}
