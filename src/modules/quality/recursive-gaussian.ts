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
  /** Per section k = 1, 3, 5: the input gain and the feedback coefficient of the recurrence. */
  n2: [number, number, number];
  d1: [number, number, number];
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
  for (let k = 0; k < 3; k++) {
    n2[k] = -beta[k]! * Math.cos(omega[k]! * (radius + 1));
    d1[k] = -2 * Math.cos(omega[k]!);
  }
  return { radius, n2, d1 };
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

const f32 = Math.fround;

function blurRow(g: RecursiveGaussian, input: Float32Array, out: Float32Array, offset: number, width: number): void {
  const n = g.radius;
  const [a1, a3, a5] = g.n2;
  const [b1, b3, b5] = g.d1;
  let p1 = 0, p3 = 0, p5 = 0; // previous outputs of each section
  let q1 = 0, q3 = 0, q5 = 0; // and the ones before
  for (let x = -n + 1; x < width; x++) {
    const left = x - n - 1;
    const right = x + n - 1;
    const sum = f32((left >= 0 ? input[offset + left]! : 0) + (right < width ? input[offset + right]! : 0));
    const y1 = f32(a1 * sum - b1 * p1 - q1);
    const y3 = f32(a3 * sum - b3 * p3 - q3);
    const y5 = f32(a5 * sum - b5 * p5 - q5);
    q1 = p1; q3 = p3; q5 = p5;
    p1 = y1; p3 = y3; p5 = y5;
    if (x >= 0) out[offset + x] = y1 + y3 + y5;
  }
}

/** The same recurrence down every column at once, a row at a time (cache-friendly). */
function blurColumns(g: RecursiveGaussian, input: Float32Array, out: Float32Array, width: number, height: number, state: Float32Array): void {
  const n = g.radius;
  const [a1, a3, a5] = g.n2;
  const [b1, b3, b5] = g.d1;
  state.fill(0, 0, 6 * width);
  for (let y = -n + 1; y < height; y++) {
    const top = y - n - 1;
    const bottom = y + n - 1;
    const topRow = top >= 0 ? top * width : -1;
    const bottomRow = bottom < height ? bottom * width : -1;
    const outRow = y * width;
    for (let x = 0; x < width; x++) {
      const sum = f32((topRow >= 0 ? input[topRow + x]! : 0) + (bottomRow >= 0 ? input[bottomRow + x]! : 0));
      const s = 6 * x;
      const p1 = state[s]!, q1 = state[s + 1]!, p3 = state[s + 2]!, q3 = state[s + 3]!, p5 = state[s + 4]!, q5 = state[s + 5]!;
      const y1 = a1 * sum - b1 * p1 - q1;
      const y3 = a3 * sum - b3 * p3 - q3;
      const y5 = a5 * sum - b5 * p5 - q5;
      state[s] = y1; state[s + 1] = p1;
      state[s + 2] = y3; state[s + 3] = p3;
      state[s + 4] = y5; state[s + 5] = p5;
      if (y >= 0) out[outRow + x] = y1 + y3 + y5;
    }
  }
}
