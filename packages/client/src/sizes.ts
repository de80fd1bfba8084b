/**
 * optimage's size table (contract §4): every image is published at each of these widths, 0 being
 * the whole image at its own width. test/frontend-kit-drift.test.ts checks it equals the server's.
 */
export const SIZES = [0, 320, 384, 448, 512, 576, 672, 768, 896, 1024, 1152, 1280] as const;

export type Size = (typeof SIZES)[number];

/** The widths (every size but the full one), narrowest first. */
export const WIDTHS: readonly number[] = SIZES.slice(1);

/** The size `src` points at, as the server's `Image.src`. */
export const SRC_SIZE = 768;

/** The smallest size at least `width` wide, else 0 (the full image). */
export function sizeFor(width: number): Size {
  for (const size of SIZES) if (size !== 0 && size >= width) return size;
  return 0;
}
