import { describe, expect, it } from 'vitest';
import { VARIANT_SIZES, WEBP_MAX_DIMENSION } from '../images/sizes.ts';
import { planVariants, type PlannedOutput } from './variant-plan.ts';

const plan = (width: number, height: number, pages = 1) => planVariants({ width, height, pages });
const dims = (outputs: PlannedOutput[]) => outputs.map((o) => `${o.width}x${o.height}`);
const sizesOf = (outputs: PlannedOutput[]) => outputs.flatMap((o) => o.sizes).sort((a, b) => a - b);

describe('planVariants', () => {
  it('plans 12 distinct outputs for a large 4:3 photo, full size first, heights in proportion', () => {
    const outputs = plan(4000, 3000);
    expect(outputs.map((o) => o.sizes)).toEqual([[0], [1280], [1152], [1024], [896], [768], [672], [576], [512], [448], [384], [320]]);
    expect(dims(outputs)).toEqual([
      '4000x3000', '1280x960', '1152x864', '1024x768', '896x672', '768x576', '672x504', '576x432', '512x384', '448x336',
      '384x288', '320x240',
    ]);
  });

  it('never enlarges: sizes at or above a narrow image width share the full-size output', () => {
    const outputs = plan(500, 400);
    expect(outputs[0]).toEqual({ sizes: [0, 512, 576, 672, 768, 896, 1024, 1152, 1280], width: 500, height: 400 });
    expect(dims(outputs.slice(1))).toEqual(['448x358', '384x307', '320x256']);
  });

  it('treats a size equal to the image width as the full-size output', () => {
    const outputs = plan(512, 512);
    expect(outputs[0]!.sizes).toContain(512);
    expect(outputs.map((o) => o.width)).toEqual([512, 448, 384, 320]);
  });

  it('serves a 1x1 image from one output under all 12 sizes', () => {
    expect(plan(1, 1)).toEqual([{ sizes: [...VARIANT_SIZES], width: 1, height: 1 }]);
  });

  it('keeps heights of at least 1 pixel for very wide panoramas', () => {
    const outputs = plan(4000, 300);
    expect(dims(outputs)).toContain('320x24');
    expect(dims(plan(100_000, 10)).slice(-1)).toEqual(['320x1']);
  });

  it('plans a single full-size output for a tall image narrower than every size', () => {
    expect(plan(300, 4000)).toEqual([{ sizes: [...VARIANT_SIZES], width: 300, height: 4000 }]);
  });

  it('scales the full-size output down to the WebP limit, keeping the aspect ratio', () => {
    const outputs = plan(20_000, 15_000);
    expect(outputs[0]).toEqual({ sizes: [0], width: WEBP_MAX_DIMENSION, height: 12287 });
    expect(outputs).toHaveLength(12);
    expect(plan(100_000, 10)[0]).toEqual({ sizes: [0], width: WEBP_MAX_DIMENSION, height: 2 });
  });

  it('keeps every output of a huge tall image within the WebP limit', () => {
    const outputs = plan(1000, 40_000);
    expect(outputs[0]).toEqual({ sizes: [0, 448, 512, 576, 672, 768, 896, 1024, 1152, 1280], width: 410, height: WEBP_MAX_DIMENSION });
    expect(dims(outputs.slice(1))).toEqual(['384x15360', '320x12800']);
    for (const o of outputs) expect(Math.max(o.width, o.height)).toBeLessThanOrEqual(WEBP_MAX_DIMENSION);
  });

  it('covers every size exactly once whatever the shape, and frames do not change the plan', () => {
    for (const [w, h] of [[1, 1], [319, 5000], [320, 240], [1281, 1], [1280, 720], [6000, 4000], [16_384, 16_384], [99_999, 3]]) {
      const outputs = plan(w!, h!);
      expect(sizesOf(outputs)).toEqual([...VARIANT_SIZES]);
      expect(new Set(dims(outputs)).size).toBe(outputs.length);
      expect(plan(w!, h!, 40)).toEqual(outputs);
    }
  });

  it('rejects dimensions that are not positive integers', () => {
    expect(() => plan(0, 10)).toThrow(/width/);
    expect(() => plan(10, 1.5)).toThrow(/height/);
    expect(() => plan(10, 10, 0)).toThrow(/pages/);
  });
});

describe('intermediateWidth', () => {
  it('halves (quarters…) the full width while at least 1.5× and at most 2× the largest output, else resamples to 2×', async () => {
    const { intermediateWidth } = await import('./jobs.ts');
    expect(intermediateWidth(4000, 1280)).toBe(2000); // 12 MP: the JPEG decodes at 1/2
    expect(intermediateWidth(4032, 1280)).toBe(2016);
    expect(intermediateWidth(8000, 1280)).toBe(2000); // 48 MP: at 1/4
    expect(intermediateWidth(6708, 1280)).toBe(2560); // 30 MP: the half (3354) would hold more than the 2× intermediate
    expect(intermediateWidth(3500, 1280)).toBe(2560); // the half is under 1.5×
  });
});
