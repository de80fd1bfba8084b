/** The upload formats we accept, decided from the bytes (never the name or declared type). */
export const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'heic', 'avif', 'tiff'] as const;
export type SourceFormat = (typeof ACCEPTED_FORMATS)[number];

/** How a refused upload is told what to send instead. */
export const ACCEPTED_FORMATS_TEXT = 'JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF or TIFF';

/**
 * HEIF with HEVC inside (phone photos): sharp's prebuilt libvips reads their header but cannot decode
 * their pixels, so the worker decodes them itself (processing/heic-decode.ts). AVIF (HEIF with AV1) is
 * libvips' own.
 */
export const NEEDS_HEVC_DECODER: ReadonlySet<SourceFormat> = new Set(['heic']);

/** The formats a collection can publish: WebP always (the contract's URLs), AVIF when turned on. */
export const OUTPUT_FORMATS = ['webp', 'avif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const OUTPUT_CONTENT_TYPES: Record<OutputFormat, string> = { webp: 'image/webp', avif: 'image/avif' };
