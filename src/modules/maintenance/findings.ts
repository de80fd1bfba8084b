/**
 * What the doctor reports: one finding per disagreement between the database and the storage (or
 * per leftover file), by kind, and a report that counts them all but keeps only the first few of
 * each kind, so a store with a million orphans still makes a bounded report.
 */
export const FINDING_KINDS = ['orphan-object', 'missing-variant', 'stuck-image', 'stale-temp-file'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  kind: FindingKind;
  /** What is wrong: an object key, an image id or a file path. */
  subject: string;
  detail: string;
  /** Whether --fix can repair it (an image whose original is gone cannot be rendered again). */
  repairable: boolean;
  /** Repaired in this run (for an image: its repair is under way, e.g. a job queued). */
  fixed: boolean;
  /** What the repair did, or why it failed. */
  outcome?: string;
}

export interface KindCount {
  found: number;
  fixed: number;
}

export interface DoctorReport {
  fix: boolean;
  graceMs: number;
  startedAt: string;
  durationMs: number;
  scanned: { objects: number; images: number };
  counts: Record<FindingKind, KindCount>;
  /** The first `examplesPerKind` findings of each kind. */
  findings: Finding[];
  /** Findings not repaired (0: clean, or everything fixed). */
  remaining: number;
  /** False when a bound (objects, images or fixes per run) or a stop cut the run short. */
  complete: boolean;
}

export const EXAMPLES_PER_KIND = 50;

/** Collects findings as the checks produce them. */
export class ReportBuilder {
  readonly counts = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, { found: 0, fixed: 0 }])) as Record<FindingKind, KindCount>;
  readonly scanned = { objects: 0, images: 0 };
  complete = true;
  private readonly examples: Finding[] = [];
  private readonly started = Date.now();

  constructor(
    private readonly fix: boolean,
    private readonly graceMs: number,
    private readonly onFinding: (finding: Finding) => void = () => {},
  ) {}

  add(finding: Finding): void {
    const count = this.counts[finding.kind];
    count.found++;
    if (finding.fixed) count.fixed++;
    if (count.found <= EXAMPLES_PER_KIND) this.examples.push(finding);
    this.onFinding(finding);
  }

  build(): DoctorReport {
    const remaining = FINDING_KINDS.reduce((sum, kind) => sum + this.counts[kind].found - this.counts[kind].fixed, 0);
    return {
      fix: this.fix,
      graceMs: this.graceMs,
      startedAt: new Date(this.started).toISOString(),
      durationMs: Date.now() - this.started,
      scanned: { ...this.scanned },
      counts: this.counts,
      findings: [...this.examples].sort((a, b) => FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind)),
      remaining,
      complete: this.complete,
    };
  }
}

/** How many repairs a run may still make (the periodic sweep's bound; the CLI has none). */
export class FixBudget {
  constructor(private left: number) {}

  /** Takes up to `wanted` repairs; returns how many were granted. */
  take(wanted: number): number {
    const granted = Math.min(wanted, this.left);
    this.left -= granted;
    return granted;
  }

  get exhausted(): boolean {
    return this.left <= 0;
  }
}

/** Everything a check needs to know about the run it is part of. */
export interface CheckContext {
  fix: boolean;
  /** Nothing last changed after this moment is touched or reported (in-flight uploads and jobs). */
  olderThan: Date;
  budget: FixBudget;
  report: ReportBuilder;
  signal: AbortSignal | undefined;
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
