/**
 * Whether an ICC profile describes a wide gamut (Display P3, Adobe RGB, ProPhoto, Rec. 2020, …):
 * the area of its red/green/blue primaries' triangle in CIE xy against sRGB's. Pure: reads the
 * profile's rXYZ/gXYZ/bXYZ tags (an RGB matrix profile); anything else (CMYK, grey, LUT-only) is not wide.
 */

/** sRGB's primaries' triangle in xy (0.64,0.33 / 0.30,0.60 / 0.15,0.06). */
const SRGB_AREA = 0.1121;
/** Over 10 % more than sRGB counts as wide (P3 is ~36 % more, Adobe RGB ~35 %). */
const WIDE_ABOVE = 1.1;

export function isWideGamut(icc: Uint8Array | undefined): boolean {
  if (!icc || icc.length < 132) return false;
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  const colourSpace = String.fromCharCode(...icc.subarray(16, 20));
  if (colourSpace !== 'RGB ') return false;
  const tags = new Map<string, number>();
  const count = view.getUint32(128);
  for (let i = 0; i < count && 132 + 12 * i + 12 <= icc.length; i++) {
    const at = 132 + 12 * i;
    tags.set(String.fromCharCode(...icc.subarray(at, at + 4)), view.getUint32(at + 4));
  }
  const xy = (tag: string): [number, number] | null => {
    const offset = tags.get(tag);
    if (offset === undefined || offset + 20 > icc.length) return null;
    const [X, Y, Z] = [0, 1, 2].map((k) => view.getInt32(offset + 8 + 4 * k) / 65536) as [number, number, number];
    const sum = X + Y + Z;
    return sum > 0 ? [X / sum, Y / sum] : null;
  };
  const [r, g, b] = [xy('rXYZ'), xy('gXYZ'), xy('bXYZ')];
  if (!r || !g || !b) return false;
  // (the tags are D50-adapted; the comparison is a ratio, so adaptation barely moves it)
  const area = Math.abs((g[0] - r[0]) * (b[1] - r[1]) - (b[0] - r[0]) * (g[1] - r[1])) / 2;
  return area > SRGB_AREA * WIDE_ABOVE;
}
