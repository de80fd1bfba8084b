/**
 * `optimage doctor [--fix] [--json] [--grace <duration>]`: reports where the database and the
 * storage disagree, and with --fix repairs what it can. Exit 0: clean (or all fixed); 1: findings
 * remain; 2: usage error.
 */
import type { App } from '../app.ts';
import { parseDuration } from '../config.ts';
import { FINDING_KINDS, type DoctorReport } from '../modules/maintenance/findings.ts';

export const DOCTOR_USAGE = 'usage: optimage doctor [--fix] [--json] [--grace <duration, e.g. 10m>]';

export interface DoctorArgs {
  fix: boolean;
  json: boolean;
  graceMs: number | undefined;
}

/** The options, or null for a usage error. */
export function parseDoctorArgs(args: string[]): DoctorArgs | null {
  const parsed: DoctorArgs = { fix: false, json: false, graceMs: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--fix') parsed.fix = true;
    else if (arg === '--json') parsed.json = true;
    else if (arg === '--grace' || arg.startsWith('--grace=')) {
      const value = arg === '--grace' ? args[++i] : arg.slice('--grace='.length);
      const ms = value === undefined ? null : parseDuration(value);
      if (ms === null) return null;
      parsed.graceMs = ms;
    } else return null;
  }
  return parsed;
}

/** Runs the doctor once, whole; prints the report; returns the exit code. */
export async function runDoctorCommand(app: App, parsed: DoctorArgs): Promise<number> {
  const { doctor } = app.services;
  // waits for a periodic sweep that holds the lock: never two doctors repairing at once
  const run = await doctor.exclusive(true, () => doctor.run({ fix: parsed.fix, ...(parsed.graceMs !== undefined ? { graceMs: parsed.graceMs } : {}) }));
  const report = run!.report;
  console.log(parsed.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.remaining > 0 ? 1 : 0;
}

/** The summary table, then one line per finding (the first few of each kind). */
export function formatReport(report: DoctorReport): string {
  const lines = [`kind              found  fixed  remaining`];
  for (const kind of FINDING_KINDS) {
    const { found, fixed } = report.counts[kind];
    lines.push(`${kind.padEnd(16)} ${String(found).padStart(6)} ${String(fixed).padStart(6)} ${String(found - fixed).padStart(10)}`);
  }
  const grace = `${Math.round(report.graceMs / 1000)} s`;
  lines.push('', `checked ${report.scanned.objects} objects and ${report.scanned.images} ready images in ${(report.durationMs / 1000).toFixed(1)} s (nothing changed in the last ${grace} was judged)${report.fix ? '' : '; nothing was changed (run with --fix to repair)'}`);
  if (report.findings.length) lines.push('');
  for (const kind of FINDING_KINDS) {
    const shown = report.findings.filter((f) => f.kind === kind);
    for (const f of shown) {
      const state = f.fixed ? `fixed: ${f.outcome}` : !f.repairable ? 'not repairable' : f.outcome ? f.outcome : 'repairable with --fix';
      lines.push(`${kind}  ${f.subject}  ${f.detail}  [${state}]`);
    }
    const more = report.counts[kind].found - shown.length;
    if (more > 0) lines.push(`${kind}  … and ${more} more`);
  }
  lines.push('', report.remaining ? `${report.remaining} finding(s) remain` : 'no findings remain');
  return lines.join('\n');
}
