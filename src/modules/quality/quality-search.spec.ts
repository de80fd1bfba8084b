import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTO_BOUNDS, AUTO_TARGET } from './auto-quality.ts';
import { chooseQuality } from './quality-search.ts';
import { isQualitySetting, parseQualitySetting, qualityColumn } from './quality-setting.ts';

/** A monotone score curve like WebP's on photos: steep at low qualities, flattening towards 100. */
const curve = (offset: number) => (q: number) => 100 - 70 * Math.exp(-q / (35 + offset));

function probeCounter(score: (q: number) => number) {
  const calls: number[] = [];
  return { calls, encodeAndScore: async (q: number) => (calls.push(q), score(q)) };
}

describe('chooseQuality', () => {
  const bounds = { min: 40, max: 92, start: 75 };

  it('finds (close to) the lowest quality reaching the target in at most 4 probes, never below it', async () => {
    for (const offset of [-15, -5, 0, 10, 25]) {
      const score = curve(offset);
      const exact = Array.from({ length: 53 }, (_, i) => 40 + i).find((q) => score(q) >= 80) ?? 92;
      const { calls, encodeAndScore } = probeCounter(score);
      const choice = await chooseQuality(encodeAndScore, 80, bounds);
      expect(calls.length).toBeLessThanOrEqual(4);
      expect(new Set(calls).size).toBe(calls.length); // no quality probed twice
      expect(choice.probes.map((p) => p.quality)).toEqual(calls);
      expect(score(choice.quality)).toBeGreaterThanOrEqual(80);
      expect(choice.quality - exact, `offset ${offset}: chose ${choice.quality}, exact ${exact}, probes ${calls.join(',')}`).toBeLessThanOrEqual(3);
      expect(choice.quality).toBeGreaterThanOrEqual(exact);
    }
  });

  it('an easy picture gets a lower quality than a hard one', async () => {
    const easy = await chooseQuality(probeCounter(curve(-15)).encodeAndScore, 80, bounds);
    const hard = await chooseQuality(probeCounter(curve(20)).encodeAndScore, 80, bounds);
    expect(easy.quality).toBeLessThan(hard.quality);
  });

  it('stays within the bounds: the minimum when it already passes, the maximum when nothing does', async () => {
    const always = probeCounter(() => 99);
    expect((await chooseQuality(always.encodeAndScore, 80, bounds)).quality).toBe(40);
    expect(always.calls.length).toBeLessThanOrEqual(4);
    const never = probeCounter((q) => q / 2);
    const choice = await chooseQuality(never.encodeAndScore, 80, bounds);
    expect(choice.quality).toBe(92);
    expect(never.calls.length).toBeLessThanOrEqual(4);
    expect(never.calls.every((q) => q >= 40 && q <= 92)).toBe(true);
  });

  it('bisects when the measured curve does not rise (a noisy metric), still within maxProbes', async () => {
    const noisy = probeCounter((q) => (q % 2 ? 79 : 81) + (q > 85 ? 5 : 0));
    const choice = await chooseQuality(noisy.encodeAndScore, 82, { min: 40, max: 92, start: 75, maxProbes: 3 });
    expect(noisy.calls.length).toBeLessThanOrEqual(3);
    expect(choice.score ?? 0).toBeGreaterThanOrEqual(82);
  });

  it('with the default bounds, ends within a point of the lowest passing quality on real WebP curves', async () => {
    // the 320-px curves of the 32 corpus pictures (bench:quality-curves --write): SSIMULACRA 2 of WebP
    // effort 4 at every quality 40–80, measured on the probe the pipeline scores
    const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/webp-score-curves.json', import.meta.url), 'utf8')) as { curves: { name: string; score: Record<'320', number[]> }[] };
    expect(fixture.curves).toHaveLength(32);
    let close = 0;
    for (const { name, score } of fixture.curves) {
      const at = (q: number) => score['320'][q - 40]!;
      const { calls, encodeAndScore } = probeCounter(at);
      const choice = await chooseQuality(encodeAndScore, AUTO_TARGET, AUTO_BOUNDS);
      const lowest = Array.from({ length: 41 }, (_, i) => 40 + i).find((q) => at(q) >= AUTO_TARGET) ?? 80;
      expect(calls.length, name).toBeLessThanOrEqual(AUTO_BOUNDS.maxProbes ?? 4);
      // never below the target: what it chose passed, or it kept 80 because nothing probed did
      expect(choice.quality === 80 || at(choice.quality) >= AUTO_TARGET, name).toBe(true);
      if (choice.quality - lowest <= 1) close++;
    }
    // 25 of 32 with the first probe at 76 and 3 probes; the earlier default (first probe at 80, 4
    // probes, ±2) ran out of probes above the answer on 9 of them
    expect(close).toBeGreaterThanOrEqual(25);
  });

  it('refuses bounds outside 1–100', async () => {
    await expect(chooseQuality(async () => 0, 80, { min: 0, max: 90 })).rejects.toThrow(/bounds/);
  });
});

describe('the quality setting', () => {
  it('accepts 1–100 and "auto", refuses the rest with INVALID_QUALITY', () => {
    for (const ok of [1, 80, 100, 'auto']) expect(parseQualitySetting(ok)).toBe(ok);
    for (const bad of [0, 101, 80.5, 'best', '80', null, true, [80]]) {
      expect(isQualitySetting(bad)).toBe(false);
      expect(() => parseQualitySetting(bad)).toThrow(expect.objectContaining({ code: 'INVALID_QUALITY', status: 400 }));
    }
  });

  it('is stored as text and read back as it was set', () => {
    for (const v of [1, 80, 100, 'auto'] as const) expect(qualityColumn.from(qualityColumn.to(v)!)).toBe(v);
  });
});

describe('encoderQuality (the pipeline hook)', () => {
  it('uses a number as is, and the default for "auto" on images too small to score', async () => {
    const { encoderQuality } = await import('./auto-quality.ts');
    const tiny = { data: Buffer.alloc(6 * 6 * 3, 128), raw: { width: 6, height: 6, channels: 3 as const } };
    expect(await encoderQuality(55, tiny)).toBe(55);
    expect(await encoderQuality(undefined, tiny)).toBe(80);
    expect(await encoderQuality('auto', tiny)).toBe(80);
    const strip = { data: Buffer.alloc(2000 * 7 * 3, 90), raw: { width: 2000, height: 7, channels: 3 as const } };
    expect(await encoderQuality('auto', strip)).toBe(80);
  });

  it('searches "auto" on a flat picture down to a low quality, within the bounds', async () => {
    const { encoderQuality, AUTO_BOUNDS } = await import('./auto-quality.ts');
    const width = 600, height = 400;
    const data = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x < 300 ? 200 : 40, 120, y < 200 ? 60 : 220], (y * width + x) * 3);
    const q = await encoderQuality('auto', { data, raw: { width, height, channels: 3 } });
    expect(q).toBeGreaterThanOrEqual(AUTO_BOUNDS.min);
    expect(q).toBeLessThan(70);
  });
});
