import { describe, expect, it } from 'vitest';
import { quotaPeriod } from './period.ts';

describe('quotaPeriod', () => {
  it('is the UTC calendar month', () => {
    const p = quotaPeriod(new Date('2026-11-29T23:59:59.999Z'));
    expect(p.key).toBe('2026-11-01');
    expect(p.resetsAt.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('rolls over exactly at 00:00 UTC on the 1st, across years', () => {
    expect(quotaPeriod(new Date('2026-12-31T23:59:59.999Z')).key).toBe('2026-12-01');
    expect(quotaPeriod(new Date('2027-01-01T00:00:00.000Z')).key).toBe('2027-01-01');
    expect(quotaPeriod(new Date('2026-12-15T00:00:00Z')).resetsAt.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('ignores the local offset of the instant it is given', () => {
    // 2026-03-01T01:30 in UTC+05:00 is still February in UTC
    expect(quotaPeriod(new Date('2026-03-01T01:30:00+05:00')).key).toBe('2026-02-01');
  });
});
