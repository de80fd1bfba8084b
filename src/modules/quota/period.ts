/** UTC calendar-month quota periods. Pure: the server's own time zone never matters. */
export interface QuotaPeriod {
  /** First day of the month, `YYYY-MM-01` (the usage row key). */
  key: string;
  start: Date;
  /** 00:00 UTC on the first day of the next month. */
  resetsAt: Date;
}

export function quotaPeriod(now: Date): QuotaPeriod {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { key: start.toISOString().slice(0, 10), start, resetsAt };
}
