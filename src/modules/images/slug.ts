/** Slugs: the URL name of an image, unique within its collection (contract §3). Pure functions. */
import { transliterate } from 'transliteration';

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MAX_LENGTH = 100;

export function isValidSlug(slug: string): boolean {
  return slug.length <= SLUG_MAX_LENGTH && SLUG_PATTERN.test(slug);
}

/** Used when a file name has nothing that transliterates to letters or digits (emoji, no name). */
export const FALLBACK_SLUG = 'image';

/**
 * "Beach Sunset.JPG" → "beach-sunset", "Café au lait.jpg" → "cafe-au-lait", "Straße" → "strasse",
 * CJK and Cyrillic romanised (by the `transliteration` library); FALLBACK_SLUG when nothing usable
 * is left (numeric suffixes then keep it unique).
 */
export function slugFromFilename(filename: string | null | undefined): string {
  const base = (filename ?? '').replace(/^.*[\\/]/, '').replace(/\.[A-Za-z0-9]{1,5}$/, '');
  const slug = transliterate(base.normalize('NFC'), { unknown: '-' })
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX_LENGTH - 8)
    .replace(/-+$/, '');
  return slug || FALLBACK_SLUG;
}

/** The n-th candidate for an auto slug: base, base-2, base-3, … */
export function slugCandidate(base: string, n: number): string {
  return n <= 1 ? base : `${base}-${n}`;
}

/** The first free auto slug given the slugs already taken that start with `base`: base, else base-(highest n + 1). */
export function nextFreeSlug(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  const suffix = new RegExp(`^${base}-(\\d+)$`);
  let highest = 1;
  for (const slug of taken) {
    const m = suffix.exec(slug);
    if (m) highest = Math.max(highest, Number(m[1]));
  }
  return slugCandidate(base, highest + 1);
}
