/**
 * Image quality metrics for choosing encoder settings: SSIM and PSNR on luma (BT.601), from raw
 * 8-bit RGB(A) pixels of equal size. SSIM over 8×8 windows with the usual constants (Wang et al.
 * 2004), averaged; enough to rank encoder settings against each other, not a perceptual model.
 */

/** Luma of each pixel (alpha ignored). */
function luma(pixels: Uint8Array, channels: number): Float32Array {
  const out = new Float32Array(pixels.length / channels);
  for (let i = 0, p = 0; p < out.length; i += channels, p++) out[p] = 0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]!;
  return out;
}

export function psnr(a: Uint8Array, b: Uint8Array, channels: number): number {
  const ya = luma(a, channels);
  const yb = luma(b, channels);
  let sum = 0;
  for (let i = 0; i < ya.length; i++) sum += (ya[i]! - yb[i]!) ** 2;
  const mse = sum / ya.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;
const WINDOW = 8;

export function ssim(a: Uint8Array, b: Uint8Array, width: number, height: number, channels: number): number {
  const ya = luma(a, channels);
  const yb = luma(b, channels);
  let total = 0;
  let windows = 0;
  for (let y0 = 0; y0 + WINDOW <= height; y0 += WINDOW) {
    for (let x0 = 0; x0 + WINDOW <= width; x0 += WINDOW) {
      let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let y = y0; y < y0 + WINDOW; y++) {
        for (let x = x0; x < x0 + WINDOW; x++) {
          const va = ya[y * width + x]!;
          const vb = yb[y * width + x]!;
          sa += va;
          sb += vb;
          saa += va * va;
          sbb += vb * vb;
          sab += va * vb;
        }
      }
      const n = WINDOW * WINDOW;
      const ma = sa / n;
      const mb = sb / n;
      const va = saa / n - ma * ma;
      const vb = sbb / n - mb * mb;
      const cov = sab / n - ma * mb;
      total += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
      windows++;
    }
  }
  return total / windows;
}
