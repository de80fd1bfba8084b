/**
 * Real inputs (contract §13): every shape real uploads come in, derived from real photos
 * (support/derived-inputs.ts), through the whole service. For each: ready, upright at the right
 * geometry, colours within a small ΔE of the source rendered to sRGB, no metadata in any file; in a
 * `wide` collection, wide-gamut sources keep Display P3 (profile attached) and sRGB stays sRGB; in
 * a `copyright` collection only Copyright and Artist survive. Prints the matrix as it ran.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { isWideGamut } from '../src/modules/processing/icc-gamut.ts';
import { deltaE, deriveInputs, type DerivedInput } from './support/derived-inputs.ts';
import { appTest } from './support/fixtures.ts';
import type { Client } from './support/http.ts';
import { sha256, waitForImage } from './support/upload.ts';

const run = promisify(execFile);
const test = appTest();

/** Mean ΔE76 allowed against the source: lossy WebP at q80 on a 96 px comparison stays near 1–2; a lost or ignored profile is 5+. */
const MAX_MEAN_DELTA_E: Record<string, number> = { 'palette PNG': 3.5 };
const DEFAULT_MAX_DELTA_E = 2.5;
const SQUARE = { name: 'square', width: 300, height: 300, fit: 'cover' };
/** ~30 s for the 24 shapes on an idle 2-core machine; far more when the cores are shared. */
const SLOW = 600_000;

interface FileJson {
  size?: number;
  name?: string;
  format: string;
  width: number;
  height: number;
  url: string;
}

let inputs: DerivedInput[] = [];
const matrix: string[] = [];

beforeAll(async () => {
  inputs = await deriveInputs();
}, SLOW);

afterAll(() => {
  console.log(`\nreal-input matrix (mean/p95 ΔE76 of the full-size WebP against the source in sRGB; geometry upright):\n${matrix.join('\n')}\n`);
});

async function uploadTo(client: Client, collection: string, input: DerivedInput, slug: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(input.bytes)]), input.filename);
  form.append('checksum', sha256(input.bytes));
  form.append('collection', collection);
  form.append('slug', slug);
  const up = await client.json<{ id: string; format: string; message?: string }>('POST', '/api/v1/images', form);
  expect(up.status, `${input.shape}: ${up.body.message}`).toBe(201);
  const image = await waitForImage(client, up.body.id, 60_000);
  expect(image.status, `${input.shape}: ${String(image.error)}`).toBe('ready');
  return { format: up.body.format, files: image.variants as FileJson[] };
}

const fetchBytes = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

/** exiftool's view of every file: the tags present, by name. */
async function exifTags(files: Buffer[]): Promise<Record<string, unknown>[]> {
  const dir = await mkdtemp(join(tmpdir(), 'optimage-exif-'));
  try {
    const paths = await Promise.all(files.map(async (bytes, i) => {
      const path = join(dir, `${i}.webp`);
      await writeFile(path, bytes);
      return path;
    }));
    const { stdout } = await run('exiftool', ['-j', '-EXIF:all', '-GPS:all', '-MakerNotes:all', '-XMP:all', ...paths], { maxBuffer: 1 << 24 });
    return (JSON.parse(stdout) as Record<string, unknown>[]).map(({ SourceFile: _s, ...tags }) => tags);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const slugOf = (shape: string) => shape.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

describe('real inputs', () => {
  test('every shape: ready, upright, right colours, a square crop, and no metadata in any file (sRGB collection)', async ({ alice, collection }) => {
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { variants: [SQUARE] })).status).toBe(200);
    for (const input of inputs) {
      const { format, files } = await uploadTo(alice, collection, input, slugOf(input.shape));
      const full = files.find((f) => f.size === 0)!;
      const square = files.find((f) => f.name === 'square')!;
      expect([full.width, full.height], input.shape).toEqual([input.width, input.height]);
      expect([square.width, square.height], input.shape).toEqual([300, 300]);
      const bytes = await fetchBytes(full.url);
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height], input.shape).toEqual([input.width, input.height]);
      expect(meta.icc, `${input.shape}: an sRGB collection attaches no profile`).toBeUndefined();
      const dE = await deltaE(bytes, input.reference);
      expect(dE.mean, input.shape).toBeLessThan(MAX_MEAN_DELTA_E[input.shape] ?? DEFAULT_MAX_DELTA_E);
      const all = await Promise.all(files.map((f) => fetchBytes(f.url)));
      for (const [i, file] of all.entries()) expect((await sharp(file).metadata()).exif, `${input.shape} ${files[i]!.url}`).toBeUndefined();
      matrix.push(`  ${input.shape.padEnd(24)} ${format.padEnd(5)} ${`${input.width}×${input.height}`.padEnd(10)} ΔE ${dE.mean.toFixed(2)} / p95 ${dE.p95.toFixed(2)}   srgb`);
    }
    expect(matrix.length).toBe(inputs.length);
  }, SLOW);

  test('a wide collection keeps wide-gamut sources as Display P3 (profile attached, colours kept); sRGB sources stay sRGB', async ({ alice, collection }) => {
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { colorProfile: 'wide', variants: [SQUARE] })).status).toBe(200);
    for (const input of inputs.filter((i) => i.wide || i.shape === 'sRGB JPEG' || i.shape === 'CMYK JPEG + profile')) {
      const { files } = await uploadTo(alice, collection, input, `wide-${slugOf(input.shape)}`);
      for (const file of [files.find((f) => f.size === 0)!, files.find((f) => f.size === 768)!, files.find((f) => f.name === 'square')!]) {
        const bytes = await fetchBytes(file.url);
        const meta = await sharp(bytes).metadata();
        expect(isWideGamut(meta.icc), `${input.shape} ${file.url}`).toBe(input.wide);
        if (file.size === 0) {
          const dE = await deltaE(bytes, input.reference);
          expect(dE.mean, input.shape).toBeLessThan(MAX_MEAN_DELTA_E[input.shape] ?? DEFAULT_MAX_DELTA_E);
          matrix.push(`  ${input.shape.padEnd(24)} wide  ${`${input.width}×${input.height}`.padEnd(10)} ΔE ${dE.mean.toFixed(2)} / p95 ${dE.p95.toFixed(2)}   ${input.wide ? 'Display P3 attached' : 'sRGB (no profile)'}`);
        }
      }
    }
  }, SLOW);

  test('GPS, camera, serial and software tags never reach a file; a copyright collection keeps only Copyright and Artist', async ({ alice, collection }) => {
    const tagged = inputs.find((i) => i.shape === 'GPS + camera EXIF')!;
    const [original] = await exifTags([tagged.bytes]);
    expect(original).toMatchObject({ Make: 'Apple', Model: 'iPhone 15 Pro', SerialNumber: 'F2LXK1234567', Copyright: '© 2024 Jane Doe', Artist: 'Jane Doe' });
    expect(Object.keys(original!).some((k) => k.startsWith('GPS'))).toBe(true);

    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { metadata: 'copyright', variants: [SQUARE], formats: ['webp', 'avif'] })).status).toBe(200);
    const { files } = await uploadTo(alice, collection, tagged, 'tagged');
    expect(files).toHaveLength(12 * 2 + 2);
    const tags = await exifTags(await Promise.all(files.map((f) => fetchBytes(f.url))));
    for (const [i, fileTags] of tags.entries()) {
      // libvips writes the orientation it leaves the pixels in: always upright
      expect(fileTags.Orientation ?? 'Horizontal (normal)', files[i]!.url).toBe('Horizontal (normal)');
      const names = Object.keys(fileTags).filter((k) => !['Orientation', 'ExifByteOrder', 'XResolution', 'YResolution', 'ResolutionUnit', 'YCbCrPositioning', 'ExifVersion', 'ColorSpace', 'ComponentsConfiguration', 'FlashpixVersion', 'ExifImageWidth', 'ExifImageHeight'].includes(k));
      expect(names.sort(), files[i]!.url).toEqual(['Artist', 'Copyright']);
      // EXIF text is ASCII: libvips writes "©" as "(C)"
      expect(fileTags, files[i]!.url).toMatchObject({ Copyright: expect.stringMatching(/^(©|\(C\)) 2024 Jane Doe$/), Artist: 'Jane Doe' });
    }
  }, SLOW);
});
