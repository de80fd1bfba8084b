/** The upload formats we accept, decided from the bytes (never the name or declared type). */
export const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp', 'gif'] as const;
export type SourceFormat = (typeof ACCEPTED_FORMATS)[number];

/** The formats a collection can publish: WebP always (the contract's URLs), AVIF when turned on. */
export const OUTPUT_FORMATS = ['webp', 'avif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const OUTPUT_CONTENT_TYPES: Record<OutputFormat, string> = { webp: 'image/webp', avif: 'image/avif' };
