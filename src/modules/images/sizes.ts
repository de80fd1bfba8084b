/**
 * The size table: every image is published at each of these widths (0 = its own full size), as WebP.
 * Defined once here; planner, pipeline, storage keys, URLs and tests import it.
 */
export const VARIANT_SIZES = [0, 320, 384, 448, 512, 576, 672, 768, 896, 1024, 1152, 1280] as const;

export type VariantSize = (typeof VARIANT_SIZES)[number];

/** Lossy WebP quality of every variant (the contract's "quality 80"). */
export const WEBP_QUALITY = 80;

/** libwebp cannot encode a side longer than this; larger images are scaled down to fit. */
export const WEBP_MAX_DIMENSION = 16383;
