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
 * AVIF (libheif + aom) settings, chosen by measurement. First with luma SSIM on one photo
 * (bench/avif-settings.bench.ts); then with SSIMULACRA 2 on the 32 real pictures of the corpus
 * (`npm run bench:quality`, docs/quality.md, 6 Dec 2026).
 * - Quality 60: its 10th-percentile score at 320 px is WebP q80's (71.51 vs 71.63), for 0.78× the
 *   bytes at 320 and 1024 px, with a higher median (+2.2 and +4.3). At WebP q80's median score it
 *   would be quality 56 (320 px) or 51 (1024 px), for 0.69× and 0.57× the bytes, but its worst
 *   pictures would then fall below WebP's.
 * - Tune iq: libaom's perceptual tuning, which is also sharp's 'auto' for lossy AV1 (same bytes);
 *   set here so that a change of default cannot move it. At WebP q80's median score, tune ssim
 *   needs 0.84× and 0.76× the bytes, against iq's 0.69× and 0.57×.
 * - Effort 2: effort 4 saves 5–7 % for 7.5× the time; effort 0 is ~3× faster, with files 8–18 %
 *   larger at equal SSIM.
 * - 4:2:0 like WebP: 4:4:4 measured the same luma SSIM for ~4 % more bytes.
 */
export const AVIF_SETTINGS = { quality: 60, effort: 2, chromaSubsampling: '4:2:0', tune: 'iq' } as const;
