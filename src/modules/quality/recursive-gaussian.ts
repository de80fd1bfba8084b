/**
 * The Gaussian blur SSIMULACRA 2 uses (sigma 1.5): the recursive filter of Charalampidis, "Recursive
 * Implementation of the Gaussian Filter Using Truncated Cosine Functions" (IEEE TSP 2016), as libjxl
 * applies it: three second-order sections (k = 1, 3, 5) fed by the sum of the samples N + 1 before and
 * N − 1 after the output, outside the image read as zero, run along the rows and then down the columns.
 * O(1) per pixel whatever sigma is. This file derives the coefficients; the filter itself runs in the
 * WebAssembly kernels (wasm/ssimulacra2.ts, `blur`).
 */

export interface RecursiveGaussian {
  /** N: the half-width of the truncated kernel. */
  radius: number;
  /** Per section k = 1, 3, 5 (single precision): the input gain and the feedback coefficient of the recurrence. */
  n2: [number, number, number];
  d1: [number, number, number];
  /**
   * The recurrence unrolled over four outputs (o0 = n·i0 − d·p − pp, o1 = n·i1 − d·o0 − p, …): per
   * section, the weights of the inputs (0–3), of the previous output (4–7) and of the one before
   * (8–11), single precision. The kernels filter the rows four outputs at a time with these, rounded
   * as the reference's vector code rounds (its float32 rounding noise is part of the scores it gives
   * near 100); weights 0 and 4 are also the plain recurrence's, at the rows' ends.
   */
  unrolled: Float64Array;
}

const f32 = Math.fround;

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
  return { radius, n2, d1, unrolled };
}

/** x with A·x = b for a 3×3 row-major A (Cramer's rule). */
function solve3(a: number[], b: number[]): number[] {
  const det = (m: number[]) => m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  const d = det(a);
  return [0, 1, 2].map((col) => det(a.map((v, i) => (i % 3 === col ? b[Math.floor(i / 3)]! : v))) / d);
}
