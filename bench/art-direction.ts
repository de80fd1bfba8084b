/**
 * bench:pipeline's art-direction rows (contract §13), each pair side by side, alternating A and B
 * run by run so a busy host skews both alike: a 12 MP real photo with 3 named variants against
 * without (target ≤ 1.10×), the same photo as HEIC (HEVC, decoded in WebAssembly) against JPEG,
 * and a Display P3 photo kept wide against converted to sRGB.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { inspectSource } from '../src/modules/images/sniff.ts';
import type { ArtTask, ProcessingPool } from '../src/modules/processing/pool.ts';
import { realPhotos } from '../test/support/real-photos.ts';
import { formatTable, median, ms, ratio } from './measure.ts';

const run = promisify(execFile);
const LIMITS = { maxInputPixels: 100_000_000, maxFrames: 10_000 };
const BOXES: ArtTask['boxes'] = [
  { name: 'avatar', width: 256, height: 256, fit: 'cover' },
  { name: 'card', width: 1200, height: 675, fit: 'cover' },
  { name: 'thumb', width: 400, height: 400, fit: 'inside' },
];

const art = (width: number, height: number, boxes: ArtTask['boxes'], colorProfile: ArtTask['colorProfile'] = 'srgb'): ArtTask => ({ boxes, focal: null, metadata: 'none', colorProfile, source: { width, height } });

/** Median wall time of A and of B over `runs` alternating runs, after one warm-up of each. */
async function pair(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [fn, times] of i % 2 ? ([[b, tb], [a, ta]] as const) : ([[a, ta], [b, tb]] as const)) {
      const start = performance.now();
      await fn();
      times.push(performance.now() - start);
    }
  }
  return [median(ta), median(tb)];
}

/** A real camera photo at 12 MP (the dragonfly: leaves, high detail) as a JPEG in `dir`: its path. */
export async function artDirectionPhoto(dir: string): Promise<string> {
  const jpeg = join(dir, 'art-12mp.jpg');
  if (existsSync(jpeg)) return jpeg;
  const photo = realPhotos('photo').find((p) => p.name === 'Dragonfly_by_Bolly.jpg')!;
  await writeFile(jpeg, await sharp(photo.path).resize(4000, 3000, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer());
  return jpeg;
}

export async function artDirectionRows(pool: ProcessingPool, dir: string, runs: number): Promise<string> {
  // the real photo as JPEG, HEIC and Display P3 JPEG
  const jpeg = await artDirectionPhoto(dir);
  const heic = join(dir, 'art-12mp.heic');
  const p3 = join(dir, 'art-12mp-p3.jpg');
  await writeFile(p3, await sharp(jpeg).withIccProfile('p3').jpeg({ quality: 90 }).toBuffer());
  await run('heif-enc', ['-q', '60', '-o', heic, jpeg]); // ~iPhone quality; ~20 s on a shared core
  const [gj, gh, gp] = await Promise.all([inspectSource(jpeg, LIMITS), inspectSource(heic, LIMITS), inspectSource(p3, LIMITS)]);
  const process = (path: string, geometry: typeof gj, task: ArtTask) => pool.process(path, geometry, undefined, { art: task });

  const rows = [['pair (12 MP real photo 4000×3000, WebP, one image at a time)', 'N', 'A', 'B', 'B ÷ A', 'target']];
  const [plain, named] = await pair(runs, () => process(jpeg, gj, art(4000, 3000, [])), () => process(jpeg, gj, art(4000, 3000, BOXES)));
  rows.push(['JPEG: no named variants (A) vs 3 named, salient point found (B)', String(runs), ms(plain), ms(named), ratio(named / plain), named <= 1.1 * plain ? '≤ 1.10× met' : '≤ 1.10× MISSED']);
  const [asJpeg, asHeic] = await pair(runs, () => process(jpeg, gj, art(4000, 3000, [])), () => process(heic, gh, art(4000, 3000, [])));
  rows.push([`JPEG (A) vs the same photo as HEIC, HEVC q60 (B): ${gh.format}`, String(runs), ms(asJpeg), ms(asHeic), ratio(asHeic / asJpeg), '(reported)']);
  const [srgb, wide] = await pair(runs, () => process(p3, gp, art(4000, 3000, [], 'srgb')), () => process(p3, gp, art(4000, 3000, [], 'wide')));
  rows.push(['Display P3 JPEG: to sRGB (A) vs kept wide, P3 attached (B)', String(runs), ms(srgb), ms(wide), ratio(wide / srgb), '(reported)']);
  return formatTable(rows);
}
