/**
 * The first colour step of SSIMULACRA 2: 8-bit sRGB → linear RGB (where it downscales), written into
 * the WebAssembly kernels' memory. The next, linear RGB → the XYB space of JPEG XL (the opsin
 * absorbance matrix, a small bias, a cube root), is one of the kernels (wasm/ssimulacra2.ts).
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
