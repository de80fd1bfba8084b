/** The name an upload came with, made safe to store and show. Pure. */

/** Column width of images.original_filename. */
export const FILENAME_MAX_CHARS = 255;

/**
 * Drops any directory part (`../../x.jpg` → `x.jpg`, either slash), NUL and every other control
 * character (C0, DEL, C1 — PostgreSQL refuses NUL in text, and none belongs in a name), folds
 * white space, and keeps at most 255 characters (whole code points). null when nothing is left.
 */
export function cleanFilename(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const base = raw.replace(/^.*[\\/]/, '');
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim().normalize('NFC');
  const chars = [...clean];
  return chars.length ? chars.slice(0, FILENAME_MAX_CHARS).join('') : null;
}
