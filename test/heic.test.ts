/**
 * Phone photos (contract §13): HEIC with HEVC inside, made from a real photo with heif-enc (Debian
 * libheif-examples), decoded by libheif's WebAssembly build in the worker. Recognised from the bytes
 * whatever its name; a damaged one fails as the file's fault, never as a crash or a retry loop.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { beforeAll, describe, expect } from 'vitest';
import { heifColour } from '../src/modules/processing/heic-decode.ts';
import { deltaE } from './support/derived-inputs.ts';
import { appTest } from './support/fixtures.ts';
import { realPhotos } from './support/real-photos.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const run = promisify(execFile);
const test = appTest();

let heic: Buffer;
let reference: Buffer;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'optimage-heic-'));
  try {
    const photo = realPhotos('photo').find((p) => p.name === 'sunset_by_Aitzol_Berasategi.jpg')!;
    reference = await sharp(photo.path).resize(1200).toColourspace('srgb').png().toBuffer();
    await writeFile(join(dir, 'in.png'), reference);
    await run('heif-enc', ['-q', '85', '-o', join(dir, 'out.heic'), join(dir, 'in.png')]);
    heic = await readFile(join(dir, 'out.heic'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 300_000);

describe('HEIC uploads', () => {
  test('a HEVC HEIC named .jpg is taken as HEIC, decoded, and published at its size with its colours', async ({ alice, collection }) => {
    expect(heifColour(heic)).not.toEqual({ primaries: 12 }); // an sRGB source: no Display P3 box
    const up = await restUpload(alice, heic, { collection, slug: 'sunset', filename: 'IMG_0001.jpg', type: 'image/jpeg' });
    expect(up.status).toBe(201);
    expect(up.body.format).toBe('heic');
    const image = await waitForImage(alice, up.body.id, 120_000);
    expect(image.status).toBe('ready');
    const full = (image.variants as { size: number; url: string; width: number; height: number }[]).find((v) => v.size === 0)!;
    const bytes = Buffer.from(await (await fetch(full.url)).arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1200, 800]);
    expect((await deltaE(bytes, reference)).mean).toBeLessThan(2.5);
  }, 180_000);

  test('a HEIC cut short fails as the file\'s fault (INVALID_IMAGE at intake, or failed when decoded)', async ({ alice, collection }) => {
    const cut = heic.subarray(0, Math.floor(heic.length * 0.6));
    const up = await restUpload(alice, cut, { collection, slug: 'cut', filename: 'cut.heic', type: 'image/heic' });
    if (up.status === 400) {
      expect(up.body.code).toBe('INVALID_IMAGE');
      return;
    }
    expect(up.status).toBe(201);
    const image = await waitForImage(alice, up.body.id, 120_000);
    expect(image.status).toBe('failed');
    expect(String(image.error)).toMatch(/could not be decoded/);
    const retry = await alice.json<{ code: string }>('POST', `/api/v1/images/${up.body.id}/retry`);
    expect(retry.body.code).toBe('NOT_RETRYABLE'); // the file itself: retrying cannot help
  }, 180_000);
});
