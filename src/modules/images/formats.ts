/** The upload formats we accept, decided from the bytes (never the name or declared type). */
export const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp', 'gif'] as const;
export type SourceFormat = (typeof ACCEPTED_FORMATS)[number];
