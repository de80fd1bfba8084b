/**
 * What every published file of an image carries besides its pixels (contract §13): its colour
 * profile (none: sRGB, or Display P3 attached for a wide-gamut source in a `wide` collection) and
 * its EXIF (none, or only Copyright and Artist). GPS, camera, serial and software tags never reach a
 * file: sharp writes no metadata unless told, and only these two tags are ever told.
 * Runs in the worker (erasable TS; sharp and siblings only).
 */
import type { Sharp } from 'sharp';
import type { CopyrightTags } from './exif-copyright.ts';

export interface OutputPolicy {
  /** Pixels stay in Display P3 (decoded with the source's profile, encoded with P3 attached). */
  wide: boolean;
  /** The EXIF to write, or null for none. */
  exif: CopyrightTags | null;
}

export const PLAIN_POLICY: OutputPolicy = { wide: false, exif: null };

/**
 * `from`: "file" when the image comes from the source file (its own profile converted to P3 on the
 * way out), "pixels" when it comes from the pipeline's decoded pixels (already P3, the profile kept).
 */
export function applyPolicy(image: Sharp, policy: OutputPolicy, from: 'file' | 'pixels'): Sharp {
  let out = image;
  if (policy.wide) out = from === 'file' ? out.withIccProfile('p3') : out.keepIccProfile();
  if (policy.exif && (policy.exif.Copyright || policy.exif.Artist)) out = out.withExif({ IFD0: { ...policy.exif } });
  return out;
}
