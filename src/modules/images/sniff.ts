/**
 * What an upload really is, from its bytes rather than its name or Content-Type: the magic number
 * picks the format, then the image header (read by sharp without decoding pixels) is checked against
 * the limits, so an oversized or hostile file is refused before any worker spends time on it.
 */
import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { ValidationError } from '../../errors.ts';
import { ACCEPTED_FORMATS_TEXT, type SourceFormat } from './formats.ts';

export type { SourceFormat };

export interface SourceLimits {
  /** Most pixels of one frame, and of all frames together. */
  maxInputPixels: number;
  maxFrames: number;
}

export interface SourceInfo {
  format: SourceFormat;
  /** Dimensions as displayed, i.e. after EXIF orientation; for animations, of one frame. */
  width: number;
  height: number;
  pages: number;
  /** EXIF orientation 1–8 (1 when absent). */
  orientation: number;
}

/** Bytes needed to recognise every accepted format (HEIF: its ftyp box, major brand and the first compatible brands). */
export const SNIFF_BYTES = 32;

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) => magic.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The accepted image format of a file's first bytes, or null (SVG, HTML, text, empty, anything else). */
export function sniffFormat(firstBytes: Uint8Array): SourceFormat | null {
  if (startsWith(firstBytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(firstBytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(firstBytes, ascii('GIF87a')) || startsWith(firstBytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(firstBytes, ascii('RIFF')) && startsWith(firstBytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(firstBytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(firstBytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  return heifFormat(firstBytes);
}

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEVC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);

/**
 * An ISO-BMFF `ftyp` box first: its major brand says AV1 (AVIF) or HEVC (HEIC); the generic `mif1` /
 * `msf1` brands are decided by the compatible brands that follow (AVIF when one of them says so).
 */
function heifFormat(bytes: Uint8Array): 'heic' | 'avif' | null {
  if (!startsWith(bytes, ascii('ftyp'), 4)) return null;
  const boxSize = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const brand = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12) return null;
  const major = brand(8);
  if (AVIF_BRANDS.has(major)) return 'avif';
  if (HEVC_BRANDS.has(major)) return 'heic';
  if (major !== 'mif1' && major !== 'msf1') return null;
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= Math.min(bytes.length, boxSize); at += 4) compatible.push(brand(at));
  if (compatible.some((b) => AVIF_BRANDS.has(b))) return 'avif';
  if (compatible.some((b) => HEVC_BRANDS.has(b))) return 'heic';
  return null;
}

/** What libvips calls each accepted format in its metadata. */
const LIBVIPS_FORMAT: Record<SourceFormat, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', gif: 'gif', heic: 'heif', avif: 'heif', tiff: 'tiff' };

async function readHead(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await file.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Reads format, displayed dimensions, frame count and orientation from the header of the file at
 * `path` (sharp reads the header only, no pixels), and enforces `limits`. Throws ValidationError with code UNSUPPORTED_FORMAT, INVALID_IMAGE,
 * IMAGE_TOO_LARGE or TOO_MANY_FRAMES.
 */
export async function inspectSource(path: string, limits: SourceLimits, sniffed?: SourceFormat): Promise<SourceInfo> {
  // intake passes the format it sniffed from the bytes it spooled; read the head only without it
  const format = sniffed ?? sniffFormat(await readHead(path));
  if (!format) throw new ValidationError(`Unsupported file format: send a ${ACCEPTED_FORMATS_TEXT} image`, 'UNSUPPORTED_FORMAT');

  let meta: Metadata;
  try {
    // No pixel limit here: the limits below are checked with their own, clearer messages.
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ValidationError(`The ${format.toUpperCase()} file is damaged and cannot be read (${reason(err)})`, 'INVALID_IMAGE');
  }
  if (meta.format !== LIBVIPS_FORMAT[format]) {
    throw new ValidationError(`The file starts like a ${format.toUpperCase()} image but is not one`, 'INVALID_IMAGE');
  }
  // a HEIF file's brands can be generic: what is inside (HEVC or AV1) decides how it is decoded
  const decided: SourceFormat = meta.format === 'heif' ? (meta.compression === 'av1' ? 'avif' : 'heic') : format;
  const width = meta.autoOrient.width;
  const height = meta.autoOrient.height;
  const pages = meta.pages ?? 1;
  if (!(width > 0 && height > 0)) throw new ValidationError('The image has no pixels', 'INVALID_IMAGE');

  const { maxInputPixels, maxFrames } = limits;
  if (width * height > maxInputPixels) {
    throw new ValidationError(
      `The image is too large: ${count(width)}×${count(height)} is ${count(width * height)} pixels, the limit is ${count(maxInputPixels)}`,
      'IMAGE_TOO_LARGE',
    );
  }
  if (pages > maxFrames) {
    throw new ValidationError(`The animation has too many frames: ${count(pages)}, the limit is ${count(maxFrames)}`, 'TOO_MANY_FRAMES');
  }
  if (width * height * pages > maxInputPixels) {
    throw new ValidationError(
      `The animation is too large: ${count(pages)} frames of ${count(width)}×${count(height)} are ${count(width * height * pages)} pixels, the limit is ${count(maxInputPixels)}`,
      'IMAGE_TOO_LARGE',
    );
  }
  return { format: decided, width, height, pages, orientation: meta.orientation ?? 1 };
}

/** sharp's own words, minus its loader prefix ("VipsJpeg: "), for the user-facing message. */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^Vips\w+: /, '').trim().split('\n')[0]!;
}
