/**
 * The doctor on a timer, in processing nodes: every DOCTOR_INTERVAL a bounded run with repairs,
 * going on next time where this one stopped, skipped while another process sweeps (advisory lock).
 * Logs a one-line summary, and each finding at info.
 */
import type { Logger } from '../../logger.ts';
import type { Doctor, DoctorBounds, DoctorCursor } from './doctor.ts';
import { FINDING_KINDS, type DoctorReport, type FindingKind } from './findings.ts';

/** A run's share of the work: a few seconds on local storage, a minute or so of requests on S3. */
export const SWEEP_BOUNDS: DoctorBounds = { maxObjects: 20_000, maxImages: 2_000, maxFixes: 200 };

export class DoctorSweep {
  private cursor: DoctorCursor = { objectsAfter: null, imagesAfter: null };

  constructor(
    private readonly doctor: Doctor,
    private readonly logger: Logger,
    /** Told how many findings of each kind a run made (metrics). */
    private readonly onFindings: (kind: FindingKind, count: number) => void = () => {},
  ) {}

  /** One bounded run with repairs; null when another process holds the lock. */
  async once(signal?: AbortSignal): Promise<DoctorReport | null> {
    const run = await this.doctor.exclusive(false, () =>
      this.doctor.run({
        fix: true,
        bounds: SWEEP_BOUNDS,
        cursor: this.cursor,
        ...(signal ? { signal } : {}),
        onFinding: (f) => this.logger.info({ kind: f.kind, subject: f.subject, fixed: f.fixed, outcome: f.outcome }, `doctor: ${f.detail}`),
      }),
    );
    if (!run) {
      this.logger.debug('doctor sweep skipped: another process is sweeping');
      return null;
    }
    this.cursor = run.cursor;
    const { report } = run;
    for (const kind of FINDING_KINDS) if (report.counts[kind].found) this.onFindings(kind, report.counts[kind].found);
    const counts = Object.fromEntries(FINDING_KINDS.map((k) => [k, report.counts[k].found]));
    const found = FINDING_KINDS.reduce((n, k) => n + report.counts[k].found, 0);
    const fixed = FINDING_KINDS.reduce((n, k) => n + report.counts[k].fixed, 0);
    this.logger.info(
      { ...counts, fixed, remaining: report.remaining, ...report.scanned, complete: report.complete, ms: report.durationMs },
      `doctor sweep: ${found} finding(s), ${fixed} fixed, ${report.remaining} remaining (${report.scanned.objects} objects, ${report.scanned.images} images checked)`,
    );
    return report;
  }

  /** Sweeps every `intervalMs` (the first after one interval); the returned stop ends the timer and waits for a run in progress, cut short. */
  start(intervalMs: number): () => Promise<void> {
    const abort = new AbortController();
    let running: Promise<unknown> = Promise.resolve();
    let timer: NodeJS.Timeout;
    const tick = () => {
      running = this.once(abort.signal)
        .catch((err: unknown) => this.logger.warn({ err }, 'doctor sweep failed'))
        .finally(() => {
          if (!abort.signal.aborted) timer = setTimeout(tick, intervalMs).unref();
        });
    };
    timer = setTimeout(tick, intervalMs).unref();
    return async () => {
      abort.abort();
      clearTimeout(timer);
      await running;
    };
  }
}
