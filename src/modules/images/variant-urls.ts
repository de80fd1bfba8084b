/** Where variants live: one pattern for storage keys and public URLs (contract §4, §7), and for private ones (§11). */
import type { Visibility } from '../collections/collection.entity.ts';
import { OUTPUT_FORMATS, type OutputFormat } from './formats.ts';
import { VARIANT_SIZES, type VariantSize } from './sizes.ts';

/** `{collectionId}/{size}/{slug}.{webp|avif}` — the object key, and the path under baseUrl. */
export function variantKey(collectionId: string, size: VariantSize | number, slug: string, format: OutputFormat = 'webp'): string {
  return `${collectionId}/${size}/${slug}.${format}`;
}

export function variantUrl(baseUrl: string, collectionId: string, size: VariantSize | number, slug: string, format: OutputFormat = 'webp'): string {
  return `${baseUrl}/${variantKey(collectionId, size, slug, format)}`;
}

/** Private collections' files sit under this prefix (on S3: in the private bucket), never at the public pattern. */
const PRIVATE_PREFIX = '_private/';

/** The object key of a variant in a collection of the given visibility. */
export function storedVariantKey(collectionId: string, size: VariantSize | number, slug: string, format: OutputFormat, visibility: Visibility): string {
  return `${visibility === 'private' ? PRIVATE_PREFIX : ''}${variantKey(collectionId, size, slug, format)}`;
}

/** `/private/{collectionId}/{size}/{slug}.{format}`: the path a signed URL signs (under PUBLIC_BASE_URL). */
export function privatePath(collectionId: string, size: VariantSize | number, slug: string, format: OutputFormat = 'webp'): string {
  return `/private/${variantKey(collectionId, size, slug, format)}`;
}

/** How files are linked: public URLs under the CDN base, private ones signed by this server. */
export interface DeliveryLinks {
  readonly cdnBaseUrl: string;
  /** The full signed URL of a private path, valid the default lifetime (identical within a window). */
  signPrivate(path: string): string;
}

/** The URL of one file of an image, public or signed by its visibility. */
export type FileLinker = (size: number, format: OutputFormat) => string;

export function fileLinker(links: DeliveryLinks, image: { collectionId: string; slug: string; visibility: Visibility }): FileLinker {
  return image.visibility === 'private'
    ? (size, format) => links.signPrivate(privatePath(image.collectionId, size, image.slug, format))
    : (size, format) => variantUrl(links.cdnBaseUrl, image.collectionId, size, image.slug, format);
}

/** The size `src` points at: about a column wide on most layouts (contract §6). */
export const SRC_SIZE = 768;

/** Where an image is delivered, given the sizes it has stored (none until it is ready). */
export interface Delivery {
  /** The URL of one size, or null when the image has no variant of that size. */
  url(size: number): string | null;
  /** The SRC_SIZE URL. */
  src: string | null;
  /** `<url> 320w, …, <url> 1280w`: every stored width (not the full size 0), narrowest first. */
  srcset: string | null;
  /** The URL of one stored file (a variant row): the same string as `url(size)` for a WebP one. */
  fileUrl(file: { size: number; format: OutputFormat }): string;
}

/**
 * Delivery URLs of an image from the sizes of its variant rows: only sizes that exist get a URL.
 * Each URL is built once, and `url(size)`, `src` and `srcset` hand out the same strings.
 */
export function deliveryOf(links: DeliveryLinks, image: { collectionId: string; slug: string; visibility: Visibility }, storedSizes: readonly number[]): Delivery {
  const link = fileLinker(links, image);
  const urls = new Map<number, string>();
  for (const size of VARIANT_SIZES) if (storedSizes.includes(size)) urls.set(size, link(size, 'webp'));
  let srcset = '';
  for (const [size, url] of urls) if (size !== 0) srcset += `${srcset ? ', ' : ''}${url} ${size}w`;
  return {
    url: (size) => urls.get(size) ?? null,
    src: urls.get(SRC_SIZE) ?? null,
    srcset: srcset || null,
    fileUrl: ({ size, format }) => (format === 'webp' && urls.get(size)) || link(size, format),
  };
}

/** Originals are private: never under a public path. */
export function originalKey(imageId: string): string {
  return `_originals/${imageId}`;
}

/**
 * Where a processing run stages one distinct output (private) before publishing it: named by the
 * smallest size it serves, so the names of one run never collide and a rerun overwrites them.
 */
export function stagingKey(imageId: string, firstSize: VariantSize | number, format: OutputFormat = 'webp'): string {
  return `_staging/${imageId}/${firstSize}.${format}`;
}

/** Every staging key a run can use: at most one output per size and format. */
export function allStagingKeys(imageId: string): string[] {
  return OUTPUT_FORMATS.flatMap((format) => VARIANT_SIZES.map((size) => stagingKey(imageId, size, format)));
}

/** Every object an image can have: its variants in every format and both places (named ones too), its staged outputs and its original. */
export function allObjectKeys(image: { id: string; collectionId: string; slug: string; namedVariants?: readonly { name: string; format: OutputFormat }[] }): string[] {
  const named = (image.namedVariants ?? []).flatMap((f) => allNamedKeys(image.collectionId, f.name, image.slug, f.format));
  return [...allVariantKeys(image.collectionId, image.slug), ...named, ...allStagingKeys(image.id), originalKey(image.id)];
}

/** `{collectionId}/{name}/{slug}.{webp|avif}`: a named variant's file (contract §13). Names start with a letter, sizes are numbers: never the same key. */
export function namedKey(collectionId: string, name: string, slug: string, format: OutputFormat = 'webp'): string {
  return `${collectionId}/${name}/${slug}.${format}`;
}

export function namedUrl(baseUrl: string, collectionId: string, name: string, slug: string, format: OutputFormat = 'webp'): string {
  return `${baseUrl}/${namedKey(collectionId, name, slug, format)}`;
}

/** The object key of a named variant's file in a collection of the given visibility (private: under `_private/`, as numbered sizes). */
export function storedNamedKey(collectionId: string, name: string, slug: string, format: OutputFormat, visibility: Visibility): string {
  return `${visibility === 'private' ? PRIVATE_PREFIX : ''}${namedKey(collectionId, name, slug, format)}`;
}

/** A named file's key in both places: removing both leaves nothing behind whatever the visibility was. */
export function allNamedKeys(collectionId: string, name: string, slug: string, format: OutputFormat): string[] {
  return [storedNamedKey(collectionId, name, slug, format, 'public'), storedNamedKey(collectionId, name, slug, format, 'private')];
}

/** `/private/{collectionId}/{name}/{slug}.{format}`: the path a signed URL of a named file signs. */
export function privateNamedPath(collectionId: string, name: string, slug: string, format: OutputFormat = 'webp'): string {
  return `/private/${namedKey(collectionId, name, slug, format)}`;
}

/** The URL of one named file of an image: public under the CDN base, or signed by its visibility (as fileLinker does for sizes). */
export function namedLinker(links: DeliveryLinks, image: { collectionId: string; slug: string; visibility: Visibility }): (name: string, format: OutputFormat) => string {
  return image.visibility === 'private'
    ? (name, format) => links.signPrivate(privateNamedPath(image.collectionId, name, image.slug, format))
    : (name, format) => namedUrl(links.cdnBaseUrl, image.collectionId, name, image.slug, format);
}

const NAMED_CDN_PATH = new RegExp(`^/cdn/(col_[a-z0-9]{1,40})/([a-z][a-z0-9-]{0,31})/([a-z0-9]+(?:-[a-z0-9]+)*)\\.(${OUTPUT_FORMATS.join('|')})$`);

/** Parses a raw CDN request path of a named variant's file; anything else is null. */
export function parseNamedCdnPath(rawPath: string): { collectionId: string; name: string; slug: string; format: OutputFormat } | null {
  const m = NAMED_CDN_PATH.exec(rawPath);
  if (!m || m[3]!.length > 100) return null;
  return { collectionId: m[1]!, name: m[2]!, slug: m[3]!, format: m[4] as OutputFormat };
}

/** Every variant key of a slug in both places (public and private): removing them all leaves nothing behind whatever the visibility was. */
export function allVariantKeys(collectionId: string, slug: string, formats: readonly OutputFormat[] = OUTPUT_FORMATS): string[] {
  return (['public', 'private'] as const).flatMap((visibility) => variantKeysAt(collectionId, slug, visibility, formats));
}

/** Every variant key of a slug in one place. */
export function variantKeysAt(collectionId: string, slug: string, visibility: Visibility, formats: readonly OutputFormat[] = OUTPUT_FORMATS): string[] {
  return formats.flatMap((format) => VARIANT_SIZES.map((size) => storedVariantKey(collectionId, size, slug, format, visibility)));
}

const PRIVATE_PATH = new RegExp(`^/private/(col_[a-z0-9]{1,40})/(${VARIANT_SIZES.join('|')})/([a-z0-9]+(?:-[a-z0-9]+)*)\\.(${OUTPUT_FORMATS.join('|')})$`);

/** Parses a raw private delivery path (no query); anything else is null. */
export function parsePrivatePath(rawPath: string): { collectionId: string; size: number; slug: string; format: OutputFormat } | null {
  const m = PRIVATE_PATH.exec(rawPath);
  if (!m || m[3]!.length > 100) return null;
  return { collectionId: m[1]!, size: Number(m[2]), slug: m[3]!, format: m[4] as OutputFormat };
}

const PRIVATE_NAMED_PATH = new RegExp(`^/private/(col_[a-z0-9]{1,40})/([a-z][a-z0-9-]{0,31})/([a-z0-9]+(?:-[a-z0-9]+)*)\\.(${OUTPUT_FORMATS.join('|')})$`);

/** Parses a raw private delivery path of a named file (no query); anything else is null. */
export function parsePrivateNamedPath(rawPath: string): { collectionId: string; name: string; slug: string; format: OutputFormat } | null {
  const m = PRIVATE_NAMED_PATH.exec(rawPath);
  if (!m || m[3]!.length > 100) return null;
  return { collectionId: m[1]!, name: m[2]!, slug: m[3]!, format: m[4] as OutputFormat };
}

const CDN_PATH = new RegExp(`^/cdn/(col_[a-z0-9]{1,40})/(${VARIANT_SIZES.join('|')})/([a-z0-9]+(?:-[a-z0-9]+)*)\\.(${OUTPUT_FORMATS.join('|')})$`);

/** Parses a raw (undecoded) CDN request path; anything else — `..`, `%2F`, unknown sizes or formats — is null. */
export function parseCdnPath(rawPath: string): { collectionId: string; size: number; slug: string; format: OutputFormat } | null {
  const m = CDN_PATH.exec(rawPath);
  if (!m || m[3]!.length > 100) return null;
  return { collectionId: m[1]!, size: Number(m[2]), slug: m[3]!, format: m[4] as OutputFormat };
}
