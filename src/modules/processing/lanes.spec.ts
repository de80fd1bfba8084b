import { describe, expect, it } from 'vitest';
import { LANES, lanesFor } from './pipeline.ts';

describe('lanesFor', () => {
  it("gives an image a second lane while the images in the threads leave a core of the process's share idle", () => {
    expect(LANES).toBe(2);
    expect(lanesFor(1, 2, 2)).toBe(2); // alone on 2 cores, WORKER_THREADS = cores (the default)
    expect(lanesFor(3, 4, 8)).toBe(2);
    expect(lanesFor(1, 4, 2)).toBe(2); // more threads than cores: one image leaves a core idle
  });

  it('gives one lane once the images in the threads are as many as the cores', () => {
    expect(lanesFor(2, 2, 2)).toBe(1);
    expect(lanesFor(8, 4, 4)).toBe(1); // admitted beyond the threads: only those in threads count
    expect(lanesFor(4, 8, 2)).toBe(1); // more threads than cores
  });

  it('keeps a process to its threads: a single-thread worker uses one core however many the machine has', () => {
    expect(lanesFor(1, 1, 2)).toBe(1);
    expect(lanesFor(1, 1, 64)).toBe(1);
    expect(lanesFor(2, 2, 8)).toBe(1); // WORKER_THREADS=2 on 8 cores: two images fill its share
    expect(lanesFor(1, 2, 8)).toBe(2);
  });

  it('counts only images in threads, not those admitted and queued behind them', () => {
    expect(lanesFor(5, 1, 2)).toBe(1);
    expect(lanesFor(5, 4, 8)).toBe(1);
  });
});
