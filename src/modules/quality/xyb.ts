/**
 * The colour steps of SSIMULACRA 2: 8-bit sRGB → linear RGB (where it downscales), and linear RGB →
 * the XYB space of JPEG XL (the opsin absorbance matrix, a small bias, a cube root), shifted and scaled
 * into roughly 0..1 per component with B taken relative to Y. Constants from libjxl's opsin_params.h.
 */

/** Linear light of each 8-bit sRGB code value (the IEC 61966-2-1 transfer function). */
const SRGB_TO_LINEAR = new Float32Array(256).map((_, v) => {
  const e = v / 255;
  return e <= 0.04045 ? e / 12.92 : ((e + 0.055) / 1.055) ** 2.4;
});

/** Linear light of a code value normalised to 0..1 (for alpha-blended values between codes). */
function srgbToLinear(e: number): number {
  return e <= 0.04045 ? e / 12.92 : ((e + 0.055) / 1.055) ** 2.4;
}

/**
 * Fills the three linear planes from interleaved 8-bit pixels with `channels` 3 or 4. With an alpha
 * channel the colour is first blended over a grey of `background` (0..1, in sRGB) as the reference does.
 */
export function toLinearPlanes(pixels: Uint8Array, channels: number, count: number, planes: [Float32Array, Float32Array, Float32Array], background = 0.5): void {
  const [r, g, b] = planes;
  if (channels === 3) {
    for (let i = 0, j = 0; i < count; i++, j += 3) {
      r[i] = SRGB_TO_LINEAR[pixels[j]!]!;
      g[i] = SRGB_TO_LINEAR[pixels[j + 1]!]!;
      b[i] = SRGB_TO_LINEAR[pixels[j + 2]!]!;
    }
    return;
  }
  for (let i = 0, j = 0; i < count; i++, j += channels) {
    const a = pixels[j + 3]! / 255;
    if (a === 1) {
      r[i] = SRGB_TO_LINEAR[pixels[j]!]!;
      g[i] = SRGB_TO_LINEAR[pixels[j + 1]!]!;
      b[i] = SRGB_TO_LINEAR[pixels[j + 2]!]!;
      continue;
    }
    const rest = (1 - a) * background;
    r[i] = srgbToLinear((a * pixels[j]!) / 255 + rest);
    g[i] = srgbToLinear((a * pixels[j + 1]!) / 255 + rest);
    b[i] = srgbToLinear((a * pixels[j + 2]!) / 255 + rest);
  }
}

// The opsin absorbance matrix (rows: L, M, S from linear R, G, B) and its bias.
const M00 = 0.3, M02 = 0.078, M01 = 1 - M02 - M00;
const M10 = 0.23, M12 = 0.078, M11 = 1 - M12 - M10;
const M20 = 0.24342268924547819, M21 = 0.20476744424496821, M22 = 1 - M20 - M21;
const BIAS = 0.0037930732552754493;
const BIAS_CBRT = Math.cbrt(BIAS);

/**
 * Linear RGB planes → the positive XYB planes (X·14 + 0.42, Y + 0.01, B − Y + 0.55), `count` pixels.
 * Without `withB` the B plane is left as it was (one cube root in three saved where it is not used).
 */
export function linearToPositiveXyb(
  linear: readonly [Float32Array, Float32Array, Float32Array],
  xyb: readonly [Float32Array, Float32Array, Float32Array],
  count: number,
  withB = true,
): void {
  const [r, g, b] = linear;
  const [outX, outY, outB] = xyb;
  for (let i = 0; i < count; i++) {
    const ri = r[i]!, gi = g[i]!, bi = b[i]!;
    const l = Math.cbrt(Math.max(0, M00 * ri + M01 * gi + M02 * bi + BIAS)) - BIAS_CBRT;
    const m = Math.cbrt(Math.max(0, M10 * ri + M11 * gi + M12 * bi + BIAS)) - BIAS_CBRT;
    const y = 0.5 * (l + m);
    outX[i] = 0.5 * (l - m) * 14 + 0.42;
    outY[i] = y + 0.01;
    if (!withB) continue;
    const s = Math.cbrt(Math.max(0, M20 * ri + M21 * gi + M22 * bi + BIAS)) - BIAS_CBRT;
    outB[i] = s - y + 0.55;
  }
}

/**
 * Halves a plane in place (each output the mean of a 2×2 block, the last row or column repeated when
 * the size is odd); returns the new size. In place is safe: output i is written after every read below i.
 */
export function downsample2x(plane: Float32Array, width: number, height: number): { width: number; height: number } {
  const ow = Math.ceil(width / 2);
  const oh = Math.ceil(height / 2);
  for (let oy = 0; oy < oh; oy++) {
    const y0 = 2 * oy * width;
    const y1 = Math.min(2 * oy + 1, height - 1) * width;
    for (let ox = 0; ox < ow; ox++) {
      const x0 = 2 * ox;
      const x1 = Math.min(x0 + 1, width - 1);
      plane[oy * ow + ox] = 0.25 * (plane[y0 + x0]! + plane[y0 + x1]! + plane[y1 + x0]! + plane[y1 + x1]!);
    }
  }
  return { width: ow, height: oh };
}
