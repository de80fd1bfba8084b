import { describe, expect, it } from 'vitest';
import { footprintBytes, PixelBudget, progressiveSamples } from './pixel-budget.ts';

const MIB = 2 ** 20;
/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((r) => setImmediate(r));

/** Starts acquiring `bytes` and records when it is admitted. */
function enter(budget: PixelBudget, name: string, bytes: number, log: string[]) {
  const admitted = budget.acquire(bytes).then((release) => (log.push(name), release));
  return { release: async () => (await admitted)() };
}

describe('PixelBudget', () => {
  it('admits jobs while they fit, in arrival order: a small job does not overtake a waiting large one', async () => {
    const budget = new PixelBudget(100);
    const log: string[] = [];
    const a = enter(budget, 'a', 60, log);
    const b = enter(budget, 'b', 60, log);
    const c = enter(budget, 'c', 10, log); // would fit beside a, but b came first
    await settle();
    expect(log).toEqual(['a']);
    expect(budget.usage).toEqual({ bytes: 60, running: 1, waiting: 2 });
    await a.release();
    await settle();
    expect(log).toEqual(['a', 'b', 'c']); // b (60) then c (10) fit together
    expect(budget.usage).toEqual({ bytes: 70, running: 2, waiting: 0 });
    await b.release();
    await c.release();
    expect(budget.usage).toEqual({ bytes: 0, running: 0, waiting: 0 });
  });

  it('runs a job larger than the whole budget alone, once nothing else runs, and holds the rest back meanwhile', async () => {
    const budget = new PixelBudget(100);
    const log: string[] = [];
    const small = enter(budget, 'small', 30, log);
    const huge = enter(budget, 'huge', 250, log);
    const after = enter(budget, 'after', 1, log);
    await settle();
    expect(log).toEqual(['small']);
    await small.release();
    await settle();
    expect(log).toEqual(['small', 'huge']);
    expect(budget.usage).toEqual({ bytes: 250, running: 1, waiting: 1 });
    await huge.release();
    await settle();
    expect(log).toEqual(['small', 'huge', 'after']);
    await after.release();
  });

  it('gives the bytes back when the job fails, and a second release changes nothing', async () => {
    const budget = new PixelBudget(100);
    await expect(budget.run(80, () => Promise.reject(new Error('decode failed')))).rejects.toThrow('decode failed');
    expect(budget.usage).toEqual({ bytes: 0, running: 0, waiting: 0 });
    const release = await budget.acquire(80);
    release();
    release();
    expect(budget.usage.bytes).toBe(0);
    const log: string[] = [];
    const x = enter(budget, 'x', 90, log);
    const y = enter(budget, 'y', 20, log);
    await settle();
    expect(log).toEqual(['x']); // 90 + 20 > 100: the double release did not free 80 more
    await x.release();
    await y.release();
  });

  it('with Infinity capacity admits everything at once', async () => {
    const budget = new PixelBudget(Number.POSITIVE_INFINITY);
    const releases = await Promise.all([1e12, 1e12, 1e12].map((b) => budget.acquire(b)));
    expect(budget.usage.running).toBe(3);
    for (const release of releases) release();
  });
});

describe('footprintBytes', () => {
  it('follows the measured costs: opaque ~7.2 B/px, alpha ~40 B/px, animations per frame, over a 40 MiB floor', () => {
    const mp30 = { width: 6708, height: 4472, pages: 1 };
    expect(footprintBytes({ ...mp30, alpha: false }) / MIB).toBeCloseTo(246, 0); // measured 235 MiB
    expect(footprintBytes({ width: 6000, height: 4000, pages: 1, alpha: true }) / MIB).toBeCloseTo(956, 0); // measured 867 (and 6 MP up to 271 MiB: charged 269)
    expect(footprintBytes({ width: 1000, height: 1000, pages: 100, alpha: true }) / MIB).toBeCloseTo(277, 0); // measured 271
    // unknown alpha is the costly case
    expect(footprintBytes(mp30)).toBe(footprintBytes({ ...mp30, alpha: true }));
  });

  it('charges a progressive JPEG its DCT coefficients: 2 bytes per sample, by chroma subsampling', () => {
    const mp30 = { width: 6800, height: 4500, pages: 1, alpha: false };
    expect(progressiveSamples({ format: 'jpeg', isProgressive: false, chromaSubsampling: '4:2:0', channels: 3 })).toBe(0);
    expect(progressiveSamples({ format: 'png', isProgressive: true, channels: 3 })).toBe(0);
    expect(progressiveSamples({ format: 'jpeg', isProgressive: true, chromaSubsampling: '4:2:0', channels: 3 })).toBe(1.5);
    expect(progressiveSamples({ format: 'jpeg', isProgressive: true, chromaSubsampling: '4:4:4', channels: 3 })).toBe(3);
    expect(progressiveSamples({ format: 'jpeg', isProgressive: true, chromaSubsampling: '4:4:4:4', channels: 4 })).toBe(4);
    expect(progressiveSamples({ format: 'jpeg', isProgressive: true, channels: 1 })).toBe(1);
    const extra = (footprintBytes({ ...mp30, progressiveSamples: 1.5 }) - footprintBytes(mp30)) / MIB;
    expect(extra).toBeCloseTo(87.5, 0); // measured +92 MiB (188 → 280) for a 30 MP 4:2:0 progressive JPEG
  });
});
