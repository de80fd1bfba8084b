/**
 * Deterministic test images made with sharp. Photo-like content (smooth gradients, hard edges, fine
 * noise) so that encoder timings and quality metrics behave like they would on real photos; a flat
 * colour would make every encoder look perfect and fast.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

/** xorshift32: the same seed always gives the same image. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/** Raw RGB (or RGBA with a soft-edged alpha) pixels of a photo-like scene. */
export function photoPixels(width: number, height: number, opts: { seed?: number; alpha?: boolean } = {}): Buffer {
  const channels = opts.alpha ? 4 : 3;
  const next = random(opts.seed ?? 42);
  const px = Buffer.alloc(width * height * channels);
  // Separable low-frequency terms as tables: a 24 MP image is generated in well under a second.
  const colWave = Float32Array.from({ length: width }, (_, x) => Math.sin((x / width) * 7.1) * 28);
  const rowWave = Float32Array.from({ length: height }, (_, y) => Math.cos((y / height) * 4.3) * 22);
  const colFine = Float32Array.from({ length: width }, (_, x) => Math.sin(x * 0.21));
  const rowFine = Float32Array.from({ length: height }, (_, y) => Math.sin(y * 0.17));
  for (let y = 0; y < height; y++) {
    const v = y / height;
    // Sky above the horizon, textured "ground" below it.
    const ground = v > 0.55;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const n = ((next() & 15) - 7.5) * 1.2;
      const base = colWave[x]! + rowWave[y]!;
      const texture = ground ? colFine[x]! * rowFine[y]! * 18 : 0;
      px[i] = clamp((ground ? 70 : 90 + v * 120) + base + texture + n);
      px[i + 1] = clamp((ground ? 110 : 140 + v * 70) + base * 0.7 + texture + n);
      px[i + 2] = clamp((ground ? 50 : 210 - v * 60) - base * 0.5 + texture * 0.5 + n);
      if (channels === 4) {
        // A soft vignette of transparency plus a hard-edged transparent hole.
        const dx = x / width - 0.5;
        const dy = v - 0.5;
        const r = Math.sqrt(dx * dx + dy * dy);
        px[i + 3] = r > 0.12 && r < 0.16 ? 0 : clamp(255 - Math.max(0, r - 0.35) * 1200);
      }
    }
  }
  // Hard-edged objects: buildings and discs.
  const shapes = Math.max(4, Math.round((width * height) / 150_000));
  for (let s = 0; s < shapes; s++) {
    const cx = next() % width;
    const cy = next() % height;
    const size = 8 + (next() % Math.max(8, Math.round(Math.min(width, height) / 10)));
    const colour = [next() & 255, next() & 255, next() & 255];
    const disc = (next() & 1) === 1;
    for (let y = Math.max(0, cy - size); y < Math.min(height, cy + size); y++) {
      for (let x = Math.max(0, cx - size); x < Math.min(width, cx + size); x++) {
        if (disc && (x - cx) ** 2 + (y - cy) ** 2 > size * size) continue;
        const i = (y * width + x) * channels;
        const shade = ((y - cy) / size) * 25;
        for (let c = 0; c < 3; c++) px[i + c] = clamp(colour[c]! - shade + ((next() & 7) - 3.5));
      }
    }
  }
  return px;
}

function photo(width: number, height: number, opts: { seed?: number; alpha?: boolean } = {}) {
  return sharp(photoPixels(width, height, opts), { raw: { width, height, channels: opts.alpha ? 4 : 3 } });
}

/** A photo-like JPEG (quality 90, like a camera's). */
export function photoJpeg(width: number, height: number, seed = 42): Promise<Buffer> {
  return photo(width, height, { seed }).jpeg({ quality: 90 }).toBuffer();
}

/** A photo-like PNG with a soft and a hard-edged transparent region. */
export function alphaPng(width: number, height: number): Promise<Buffer> {
  return photo(width, height, { alpha: true, seed: 7 }).png({ compressionLevel: 3 }).toBuffer();
}

/**
 * A JPEG stored landscape (width × height) with EXIF orientation 6, i.e. shown rotated 90° clockwise,
 * portrait. A red square sits in the stored top-left corner, which is the displayed top-right corner.
 */
export async function rotatedJpeg(width = 640, height = 480): Promise<Buffer> {
  const marker = Math.round(Math.min(width, height) / 8);
  const red = await sharp({ create: { width: marker, height: marker, channels: 3, background: '#ff0000' } }).png().toBuffer();
  return photo(width, height, { seed: 3 })
    .composite([{ input: red, left: 0, top: 0 }])
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A JPEG carrying EXIF and a Display P3 ICC profile: the output must be sRGB with neither. */
export function p3JpegWithExif(width = 800, height = 600): Promise<Buffer> {
  return photo(width, height, { seed: 11 })
    .withIccProfile('p3')
    .withExif({ IFD0: { Copyright: 'optimage test', Software: 'optimage' } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A CMYK JPEG (as print workflows export): the output must be RGB. */
export function cmykJpeg(width = 600, height = 400): Promise<Buffer> {
  return photo(width, height, { seed: 13 }).toColourspace('cmyk').jpeg({ quality: 90 }).toBuffer();
}

/** A 16-bit-per-channel PNG: the output must be 8-bit. */
export function png16(width = 600, height = 400): Promise<Buffer> {
  return photo(width, height, { seed: 17 }).toColourspace('rgb16').png({ compressionLevel: 3 }).toBuffer();
}

/** An animated GIF: `frames` distinct frames of width × height, 100 ms each, looping. */
export function animatedGif(frames = 3, width = 480, height = 270): Promise<Buffer> {
  const strip = Buffer.concat(Array.from({ length: frames }, (_, f) => photoPixels(width, height, { seed: 100 + f })));
  return sharp(strip, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .gif({ delay: Array<number>(frames).fill(100), loop: 0 })
    .toBuffer();
}

/** An animated WebP made from animatedGif's frames. */
export async function animatedWebp(frames = 4, width = 400, height = 300): Promise<Buffer> {
  return sharp(await animatedGif(frames, width, height), { pages: -1 }).webp({ quality: 90 }).toBuffer();
}

export function photoWebp(width: number, height: number): Promise<Buffer> {
  return photo(width, height, { seed: 5 }).webp({ quality: 90 }).toBuffer();
}

export function onePixelPng(): Promise<Buffer> {
  return sharp({ create: { width: 1, height: 1, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } })
    .png()
    .toBuffer();
}

/** Very wide (default 4000 × 300) and very tall (300 × 4000) images. */
export const panoramaJpeg = (width = 4000, height = 300) => photoJpeg(width, height, 21);
export const tallJpeg = (width = 300, height = 4000) => photoJpeg(width, height, 22);

/** Files that are not images we accept. */
export const invalidFiles = {
  text: () => Buffer.from('This is a plain text file renamed to photo.jpg\n'),
  svg: () =>
    Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n'),
  html: () => Buffer.from('<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>\n'),
  empty: () => Buffer.alloc(0),
  /** The first 60% of a valid JPEG: a good header, missing scan data. */
  truncatedJpeg: async () => {
    const full = await photoJpeg(800, 600, 9);
    return full.subarray(0, Math.floor(full.length * 0.6));
  },
};

/** Writes `bytes` as `dir/name` (creating dir) and returns the path. */
export async function writeImage(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}
