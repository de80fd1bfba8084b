import { describe, expect, it } from 'vitest';
import { LANES, lanesFor } from './pipeline.ts';

describe('lanesFor', () => {
  it('gives an image a second lane while the images in the threads leave a core idle', () => {
    expect(LANES).toBe(2);
    expect(lanesFor(1, 2, 2)).toBe(2); // alone on 2 cores
    expect(lanesFor(1, 1, 2)).toBe(2); // WORKER_THREADS=1: one image at a time, the other core free
    expect(lanesFor(3, 4, 8)).toBe(2);
  });

  it('gives one lane once the images in the threads are as many as the cores', () => {
    expect(lanesFor(2, 2, 2)).toBe(1);
    expect(lanesFor(8, 4, 4)).toBe(1); // admitted beyond the threads: only those in threads count
    expect(lanesFor(4, 8, 2)).toBe(1); // more threads than cores
  });

  it('counts only images in threads, not those admitted and queued behind them', () => {
    expect(lanesFor(5, 1, 2)).toBe(2);
  });
});
