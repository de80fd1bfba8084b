/**
 * Art direction's vocabulary (contract §13): a collection's named variants, an image's focal point,
 * and the metadata and colour policies. Pure: parsing and checking only; the planner
 * (processing/variant-plan.ts) and the pipeline use these types.
 */
import { ValidationError } from '../../errors.ts';
import type { OutputFormat } from './formats.ts';

export const FIT_MODES = ['cover', 'contain', 'inside'] as const;
export type FitMode = (typeof FIT_MODES)[number];

/** A named box of a collection: every image gets one file of it per output format. */
export interface NamedVariant {
  name: string;
  width: number;
  height: number;
  fit: FitMode;
}

export const MAX_NAMED_VARIANTS = 20;
export const VARIANT_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** The largest side of a box (libwebp's own limit is 16383; a crop box bigger than this is a mistake). */
export const MAX_BOX_SIDE = 8192;

/** 0–1 from the top left of the upright picture. */
export interface FocalPoint {
  x: number;
  y: number;
}

/** Where an image's focal point came from: its owner, or the salient point found at processing. */
export type FocalSource = 'given' | 'auto';

export const METADATA_POLICIES = ['none', 'copyright'] as const;
export type MetadataPolicy = (typeof METADATA_POLICIES)[number];

export const COLOR_PROFILES = ['srgb', 'wide'] as const;
export type ColorProfile = (typeof COLOR_PROFILES)[number];

/**
 * One stored file of a named variant (kept on the image row, `named_variants`). Served with
 * `max-age` and the store's strong ETag, not `immutable`: cover crops change when the focal point does.
 */
export interface NamedFile {
  name: string;
  format: OutputFormat;
  width: number;
  height: number;
  bytes: number;
  /** Whether its bytes depend on the focal point (a `cover` crop): those are re-rendered when it moves. */
  cropped: boolean;
}

const isSide = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_BOX_SIDE;

/** The named variants a collection's owner sent, checked; throws INVALID_VARIANTS. */
export function parseNamedVariants(value: unknown): NamedVariant[] {
  const refuse = (why: string) => new ValidationError(`variants: ${why}`, 'INVALID_VARIANTS', 'variants');
  if (!Array.isArray(value)) throw refuse('send a list of {name, width, height, fit}');
  if (value.length > MAX_NAMED_VARIANTS) throw refuse(`at most ${MAX_NAMED_VARIANTS} named variants, got ${value.length}`);
  const seen = new Set<string>();
  return value.map((item: unknown, i) => {
    const v = (item ?? {}) as Record<string, unknown>;
    if (typeof v.name !== 'string' || !VARIANT_NAME.test(v.name)) throw refuse(`[${i}].name must match ${VARIANT_NAME.source}`);
    if (seen.has(v.name)) throw refuse(`the name "${v.name}" is used twice`);
    seen.add(v.name);
    if (!isSide(v.width) || !isSide(v.height)) throw refuse(`[${i}] width and height must be whole numbers from 1 to ${MAX_BOX_SIDE}`);
    const fit = v.fit === undefined ? 'cover' : v.fit;
    if (!(FIT_MODES as readonly unknown[]).includes(fit)) throw refuse(`[${i}].fit must be one of ${FIT_MODES.join(', ')}`);
    return { name: v.name, width: v.width, height: v.height, fit: fit as FitMode };
  });
}

/** A focal point as sent (JSON object, or form fields already read as numbers); throws INVALID_FOCAL_POINT. */
export function parseFocalPoint(value: unknown): FocalPoint {
  const v = (value ?? {}) as Record<string, unknown>;
  const x = typeof v.x === 'string' && v.x.trim() !== '' ? Number(v.x) : v.x;
  const y = typeof v.y === 'string' && v.y.trim() !== '' ? Number(v.y) : v.y;
  const inRange = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1;
  if (!inRange(x) || !inRange(y)) throw new ValidationError('focalPoint must be {"x", "y"}, both from 0 to 1', 'INVALID_FOCAL_POINT', 'focalPoint');
  return { x, y };
}

export function parseMetadataPolicy(value: unknown): MetadataPolicy {
  if (!(METADATA_POLICIES as readonly unknown[]).includes(value)) throw new ValidationError('metadata must be "none" or "copyright"', 'INVALID_METADATA_POLICY', 'metadata');
  return value as MetadataPolicy;
}

export function parseColorProfile(value: unknown): ColorProfile {
  if (!(COLOR_PROFILES as readonly unknown[]).includes(value)) throw new ValidationError('colorProfile must be "srgb" or "wide"', 'INVALID_COLOR_PROFILE', 'colorProfile');
  return value as ColorProfile;
}

/** How long a named file may be cached without asking again (it is revalidated by its ETag after that). */
export const NAMED_CACHE_CONTROL = 'public, max-age=3600';
