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

/**
 * AVIF (libheif + aom) settings, chosen by measurement (bench/avif-settings.bench.ts, README
 * "Benchmarks"): quality 60 is where AVIF's SSIM reaches WebP q80's at full size (12 MP photo:
 * 0.912 both, 23% fewer bytes); the downscaled sizes pass WebP's SSIM from about q50, so they come
 * out better than parity. Effort 2: effort 0 encodes ~3× faster but its files are 8–18% larger at
 * equal SSIM; effort 3 saves ~2% for 1.5–2× the time and effort 4 takes ~7× as long. 4:2:0 like
 * WebP: 4:4:4 measured the same luma SSIM for ~4% more bytes.
 */
export const AVIF_SETTINGS = { quality: 60, effort: 2, chromaSubsampling: '4:2:0' } as const;
