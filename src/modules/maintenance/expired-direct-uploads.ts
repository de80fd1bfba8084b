/**
 * Direct uploads never completed within their hour (contract §12): the row and whatever bytes the
 * client put. Reported as stale temp files; removed with `fix` (the periodic sweep always fixes).
 * The bucket's lifecycle rule on `_direct/` (docs/private-delivery.md) is the second net.
 */
import type { CheckContext, Finding } from './findings.ts';
import { errorText } from './findings.ts';

export interface ExpiredDirectUploads {
  /** Ids of expired, never completed uploads, oldest first, at most `limit`. */
  expired(limit: number): Promise<string[]>;
  /** Removes their objects and rows. */
  remove(ids: string[]): Promise<void>;
}

const BATCH = 500;

export async function checkExpiredDirectUploads(ctx: CheckContext, uploads: ExpiredDirectUploads): Promise<void> {
  const ids = await uploads.expired(BATCH);
  if (!ids.length) return;
  const granted = ctx.fix ? ctx.budget.take(ids.length) : 0;
  let outcome: string | undefined;
  let fixed = false;
  if (granted) {
    try {
      await uploads.remove(ids.slice(0, granted));
      fixed = true;
      outcome = 'removed';
    } catch (err) {
      outcome = `could not remove: ${errorText(err)}`;
    }
  }
  ids.forEach((id, i) => {
    const done = i < granted;
    const finding: Finding = { kind: 'stale-temp-file', subject: id, detail: 'a direct upload that expired without being completed', repairable: true, fixed: done && fixed, ...(done && outcome ? { outcome } : {}) };
    ctx.report.add(finding);
  });
  if (ids.length === BATCH) ctx.report.complete = false;
}
