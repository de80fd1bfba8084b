/**
 * The doctor: finds where the database and the storage disagree — orphan objects, ready images
 * with missing variant files, images stuck without a job, stale temp files — and with `fix` repairs
 * what it can. Without `fix` it changes nothing. `npm run cli -- doctor` runs it whole; processing
 * nodes run it bounded and periodically (doctor-sweep.ts). One process at a time, by an advisory lock.
 */
import type { DataSource } from 'typeorm';
import type { Clock } from '../../clock.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import { FixBudget, ReportBuilder, type CheckContext, type DoctorReport, type Finding } from './findings.ts';
import { checkExpiredDirectUploads, type ExpiredDirectUploads } from './expired-direct-uploads.ts';
import { checkMissingVariants, checkStuckImages, type ImageRepairs } from './image-checks.ts';
import { checkOrphanObjects } from './orphan-objects.ts';
import { checkTempFiles, type TempDirs } from './temp-files.ts';

/** Where a bounded run stopped, for the next one to go on from (null: from the start). */
export interface DoctorCursor {
  objectsAfter: string | null;
  imagesAfter: string | null;
}

export interface DoctorBounds {
  /** Objects listed per run. */
  maxObjects: number;
  /** Images checked per run (ready ones for their files, and stuck ones). */
  maxImages: number;
  /** Repairs per run. */
  maxFixes: number;
}

export interface DoctorRunOptions {
  fix?: boolean;
  /** Nothing changed more recently is judged; default: the configured DOCTOR_GRACE. */
  graceMs?: number;
  /** Unset: everything, in one go (the CLI). */
  bounds?: DoctorBounds;
  cursor?: DoctorCursor;
  signal?: AbortSignal;
  /** Told each finding as it is made (the sweep logs them). */
  onFinding?: (finding: Finding) => void;
}

export interface DoctorRun {
  report: DoctorReport;
  /** Where the next bounded run goes on from. */
  cursor: DoctorCursor;
}

/** Session-level advisory lock key: held by whichever process is sweeping. */
const LOCK = `hashtextextended('optimage:doctor', 0)`;

export class Doctor {
  constructor(
    private readonly db: DataSource,
    private readonly store: ObjectStore,
    private readonly repairs: ImageRepairs,
    private readonly dirs: TempDirs,
    private readonly defaultGraceMs: number,
    private readonly clock: Clock,
    /** Direct uploads never completed (swept with the temp files). */
    private readonly directUploads: ExpiredDirectUploads | null = null,
  ) {}

  async run(options: DoctorRunOptions = {}): Promise<DoctorRun> {
    const fix = options.fix ?? false;
    const graceMs = options.graceMs ?? this.defaultGraceMs;
    const report = new ReportBuilder(fix, graceMs, options.onFinding);
    const ctx: CheckContext = {
      fix,
      olderThan: new Date(this.clock.now().getTime() - graceMs),
      budget: new FixBudget(options.bounds?.maxFixes ?? Infinity),
      report,
      signal: options.signal,
    };
    const { bounds, cursor } = options;
    await checkTempFiles(ctx, this.db, this.store, this.dirs);
    if (this.directUploads) await checkExpiredDirectUploads(ctx, this.directUploads);
    await checkStuckImages(ctx, this.db, this.store, this.repairs, bounds?.maxImages);
    const imagesAfter = await checkMissingVariants(ctx, this.db, this.store, this.repairs, { after: cursor?.imagesAfter ?? undefined, maxImages: bounds?.maxImages });
    const objectsAfter = await checkOrphanObjects(ctx, this.db, this.store, { startAfter: cursor?.objectsAfter ?? undefined, maxObjects: bounds?.maxObjects });
    return { report: report.build(), cursor: { objectsAfter, imagesAfter } };
  }

  /**
   * Runs `fn` holding the doctor's lock on a connection of its own. `wait` false: null at once when
   * another process holds it (a sweep skips its turn); true: waits for it (the CLI).
   */
  async exclusive<T>(wait: boolean, fn: () => Promise<T>): Promise<T | null> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      if (wait) await runner.query(`SELECT pg_advisory_lock(${LOCK})`);
      else if (!((await runner.query(`SELECT pg_try_advisory_lock(${LOCK}) AS got`)) as { got: boolean }[])[0]?.got) return null;
      try {
        return await fn();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(${LOCK})`);
      }
    } finally {
      await runner.release();
    }
  }
}
