/**
 * SSIMULACRA 2 (src/modules/quality/ssimulacra2.ts) against the reference implementation: 48 pairs of
 * real pictures × WebP/AVIF/JPEG × qualities at 1024 px, recreated from their recipes
 * (quality-pairs.ts), each within ±1.0 of the reference binary's score in the fixture, and within
 * 1e-9 of the score the first, TypeScript implementation gave (the WebAssembly kernels that replaced it
 * round as it did: a kernel rounding once more or once less moves these scores by up to 1.0); the maps
 * it skips for their negligible weights, bounded against computing them all; and the metric's order:
 * a worse encode of the same picture scores lower.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { ssimulacra2, ssimulacra2Against, ssimulacra2Reference, type RgbImage } from '../src/modules/quality/ssimulacra2.ts';
import { scaleCount } from '../src/modules/quality/ssimulacra2-weights.ts';
import { pairDistorted, pairOriginal, type PairRecipe } from './quality-pairs.ts';
import { realPhotos } from './support/real-photos.ts';

interface ReferencePair extends PairRecipe {
  width: number;
  height: number;
  reference: number;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ssimulacra2-reference.json', import.meta.url), 'utf8')) as { pairs: ReferencePair[] };
const typescript = JSON.parse(readFileSync(new URL('./fixtures/ssimulacra2-typescript.json', import.meta.url), 'utf8')) as { pairs: (PairRecipe & { score: number })[] };

describe('SSIMULACRA 2 agrees with the reference implementation', () => {
  it('scores each of the 48 reference pairs within ±1.0, and as the TypeScript implementation did', { timeout: 600_000 }, async () => {
    const photos = new Map(realPhotos().map((p) => [p.name, p.path]));
    expect(fixture.pairs.length).toBeGreaterThanOrEqual(40);
    const originals = new Map<string, RgbImage>();
    const rows: { pair: string; reference: number; ours: number; diff: number; fromTypescript: number }[] = [];
    for (const pair of fixture.pairs) {
      const path = photos.get(pair.photo);
      expect(path, pair.photo).toBeDefined();
      const original = originals.get(pair.photo) ?? (await pairOriginal(path!));
      originals.clear(); // pairs of one picture are listed together: keep one original at a time
      originals.set(pair.photo, original);
      expect([original.width, original.height]).toEqual([pair.width, pair.height]);
      const ours = ssimulacra2(original, await pairDistorted(original, pair));
      const before = typescript.pairs.find((p) => p.photo === pair.photo && p.encoder === pair.encoder && p.quality === pair.quality);
      expect(before, `${pair.photo} ${pair.encoder} q${pair.quality} in ssimulacra2-typescript.json`).toBeDefined();
      rows.push({ pair: `${pair.photo} ${pair.encoder} q${pair.quality}`, reference: pair.reference, ours: Math.round(ours * 1000) / 1000, diff: Math.round((ours - pair.reference) * 1000) / 1000, fromTypescript: Math.abs(ours - before!.score) });
    }
    const diffs = rows.map((r) => Math.abs(r.diff));
    console.table(rows);
    console.log(`agreement over ${rows.length} pairs: max |diff| ${Math.max(...diffs).toFixed(3)}, mean |diff| ${(diffs.reduce((a, b) => a + b, 0) / diffs.length).toFixed(3)}; from the TypeScript implementation: max ${Math.max(...rows.map((r) => r.fromTypescript)).toExponential(1)}`);
    for (const row of rows) expect(Math.abs(row.diff), row.pair).toBeLessThanOrEqual(1.0);
    for (const row of rows) expect(row.fromTypescript, row.pair).toBeLessThan(1e-9);
  });
});

describe('SSIMULACRA 2 skips only the maps of negligible weight', () => {
  // Sizes with 2 to 6 scales: the reference walks its weights over the scales an image has, so which
  // maps are skipped depends on it (8×8 has two already: a scale is computed when the size it is
  // halved from is 8×8). WebP at three qualities of a real photo.
  const SIZES = [[8, 8], [9, 8], [16, 9], [16, 16], [31, 64], [40, 30], [100, 67], [257, 129], [320, 213], [640, 427], [1024, 683]] as const;

  it('scores within 0.01 of computing every map, and a prepared original the same as an unprepared one', { timeout: 120_000 }, async () => {
    const [photo] = realPhotos('photo');
    const picture = await sharp(photo!.path).resize(1400).removeAlpha().toBuffer();
    const levels = new Set<number>();
    for (const [width, height] of SIZES) {
      levels.add(scaleCount(width, height));
      const original: RgbImage = { data: await sharp(picture).resize(width, height, { fit: 'fill' }).raw().toBuffer(), width, height, channels: 3 };
      const prepared = ssimulacra2Reference(original);
      for (const quality of [30, 60, 85]) {
        const webp = await sharp(original.data, { raw: { width, height, channels: 3 } }).webp({ quality }).toBuffer();
        const distorted: RgbImage = { data: await sharp(webp).removeAlpha().raw().toBuffer(), width, height, channels: 3 };
        const fast = ssimulacra2(original, distorted);
        const every = ssimulacra2(original, distorted, { everyMap: true });
        expect(Math.abs(fast - every), `${width}×${height} q${quality}: ${fast} vs ${every}`).toBeLessThan(0.01);
        expect(ssimulacra2Against(prepared, distorted), `${width}×${height} q${quality}`).toBe(fast);
      }
    }
    expect([...levels].sort()).toEqual([2, 3, 4, 5, 6]);
  });
});

describe('SSIMULACRA 2 orders encodes', () => {
  it('gives 100 to identical images and lower scores to worse encodes', { timeout: 120_000 }, async () => {
    const [photo] = realPhotos('photo');
    const original = await pairOriginal(photo!.path);
    expect(ssimulacra2(original, original)).toBe(100);
    for (const encoder of ['webp', 'avif', 'jpeg'] as const) {
      const scores: number[] = [];
      for (const quality of [20, 50, 80, 95]) scores.push(ssimulacra2(original, await pairDistorted(original, { photo: photo!.name, encoder, quality })));
      for (let i = 1; i < scores.length; i++) expect(scores[i], `${encoder} ${scores.join(' < ')}`).toBeGreaterThan(scores[i - 1]!);
      expect(scores[3]).toBeLessThan(100);
    }
  });

  it('refuses images of different sizes, below 8×8, or not RGB/RGBA', () => {
    const image = (width: number, height: number, channels = 3): RgbImage => ({ data: new Uint8Array(width * height * channels), width, height, channels });
    expect(() => ssimulacra2(image(16, 16), image(16, 17))).toThrow(/differ in size/);
    expect(() => ssimulacra2(image(7, 16), image(7, 16))).toThrow(/8×8/);
    expect(() => ssimulacra2(image(16, 16, 2), image(16, 16, 2))).toThrow(/RGB/);
  });

  it('scores an RGBA pair as the worse of a dark and a bright background', () => {
    const width = 32, height = 32;
    const opaque = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
    const faded = opaque.map((v, i) => (i % 4 === 3 ? 128 : v));
    expect(ssimulacra2({ data: opaque, width, height, channels: 4 }, { data: opaque, width, height, channels: 4 })).toBe(100);
    expect(ssimulacra2({ data: opaque, width, height, channels: 4 }, { data: faded, width, height, channels: 4 })).toBeLessThan(60);
  });
});
