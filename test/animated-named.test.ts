/**
 * Named variants of an animation (contract §13, issue 26): still crops of its first frame, cut
 * around the given focal point or the salient point of that frame, while its numbered sizes stay
 * animated. Through the real pipeline (runPipeline, real sharp, real GIF and WebP files).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type PipelineTask } from '../src/modules/processing/pipeline.ts';
import { planVariants } from '../src/modules/processing/variant-plan.ts';
import * as images from './support/images.ts';

const [W, H, FRAMES] = [640, 360, 3];
let dir: string;
let gif: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'optimage-animated-named-'));
  gif = await images.writeImage(dir, 'animated.gif', await images.animatedGif(FRAMES, W, H));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const boxes: NonNullable<PipelineTask['art']>['boxes'] = [
  { name: 'avatar', width: 128, height: 128, fit: 'cover' },
  { name: 'thumb', width: 200, height: 200, fit: 'inside' },
];
const task = (focal: { x: number; y: number } | null): PipelineTask => ({
  sourcePath: gif,
  plan: planVariants({ width: W, height: H, pages: FRAMES }),
  animated: true,
  maxInputPixels: 100_000_000,
  formats: ['webp', 'avif'],
  placeholder: true,
  art: { boxes, focal, metadata: 'none', colorProfile: 'srgb', source: { width: W, height: H } },
});

describe('named variants of an animation', () => {
  it('are still WebP crops of the first frame at each box\'s geometry; the numbered sizes stay animated', async () => {
    const result = await runPipeline(task({ x: 0.9, y: 0.5 }));
    expect(result.named.map((n) => [n.name, n.format, n.width, n.height, n.cropped])).toEqual([
      ['avatar', 'webp', 128, 128, true],
      ['thumb', 'webp', 200, 113, false],
    ]);
    expect(result.focal).toEqual({ x: 0.9, y: 0.5, source: 'given' });
    for (const file of result.named) {
      const meta = await sharp(file.bytes).metadata();
      expect([meta.format, meta.width, meta.height, meta.pages ?? 1]).toEqual(['webp', file.width, file.height, 1]);
    }
    for (const output of result.outputs) expect((await sharp(output.bytes, { pages: -1 }).metadata()).pages).toBe(FRAMES);

    // the cover crop is the right-hand square of the first frame (the focal point at x = 0.9), scaled to 128
    const avatar = result.named.find((n) => n.name === 'avatar')!;
    const expected = await sharp(gif).extract({ left: W - H, top: 0, width: H, height: H }).resize(128, 128).removeAlpha().raw().toBuffer();
    const left = await sharp(gif).extract({ left: 0, top: 0, width: H, height: H }).resize(128, 128).removeAlpha().raw().toBuffer();
    const got = await sharp(avatar.bytes).removeAlpha().raw().toBuffer();
    const distance = (a: Buffer) => got.reduce((sum, v, i) => sum + Math.abs(v - a[i]!), 0) / got.length;
    expect(distance(expected)).toBeLessThan(12);
    expect(distance(left)).toBeGreaterThan(2 * distance(expected));
  });

  it('without a focal point, finds the salient point of the first frame; a moved focal point re-renders only the cover crop', async () => {
    const auto = await runPipeline(task(null));
    expect(auto.focal?.source).toBe('auto');
    expect(auto.focal!.x).toBeGreaterThanOrEqual(0);
    expect(auto.focal!.x).toBeLessThanOrEqual(1);
    const moved = await runPipeline({ ...task({ x: 0.1, y: 0.5 }), art: { ...task({ x: 0.1, y: 0.5 }).art!, namedOnly: true } });
    expect(moved.outputs).toEqual([]);
    expect(moved.named.map((n) => n.name)).toEqual(['avatar']);
  });
});
