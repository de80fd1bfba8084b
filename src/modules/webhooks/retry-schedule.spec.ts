import { describe, expect, it } from 'vitest';
import { nextRetryAt, retryGapMs, RETRY_WINDOW_MS } from './retry-schedule.ts';

describe('webhook retry schedule', () => {
  it('retries first within 10 s and a second time within 60 s of the first attempt, whatever the jitter', () => {
    for (const r of [0, 0.5, 0.999]) {
      expect(retryGapMs(1, r)).toBeGreaterThanOrEqual(4_000);
      expect(retryGapMs(1, r)).toBeLessThanOrEqual(6_000);
      expect(retryGapMs(1, r) + retryGapMs(2, r)).toBeLessThan(60_000);
    }
  });

  it('grows exponentially, capped at an hour', () => {
    const gaps = Array.from({ length: 12 }, (_, i) => retryGapMs(i + 1, 0.5));
    expect(gaps.slice(0, 4)).toEqual([5_000, 15_000, 45_000, 135_000]);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(gaps.at(-1)).toBe(3_600_000);
  });

  it('keeps retrying for at least 24 hours, then gives up', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    let now = start;
    let attempt = 1;
    let next: Date | null;
    while ((next = nextRetryAt(start, attempt, now, 0)) !== null) {
      now = next;
      attempt++;
    }
    expect(now.getTime() - start.getTime()).toBeGreaterThanOrEqual(RETRY_WINDOW_MS);
    expect(attempt).toBeLessThan(40);
  });
});
