/**
 * bench:pipeline's CPU rows (issue 26): CPU seconds per image of the whole process, each measured in
 * a fresh child process (bench/cpu-probe.ts) so that glibc's and V8's process-wide settings are the
 * ones named: the pool under the runtime settings `npm start` runs with (scripts/runtime-env.ts),
 * the pool under the previous ones (MALLOC_MMAP_THRESHOLD_=65536: the baseline of this change), and
 * the naive 12 calls under glibc's and V8's defaults (what a naive service runs). Then `quality:
 * "auto"` against 80 through the pool on a real 12 MP photo (CPU and wall, alternating run by run in
 * one fresh process).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RUNTIME_ENV } from '../scripts/runtime-env.ts';
import { formatTable, ms, ratio } from './measure.ts';

const run = promisify(execFile);
const PROBE = new URL('./cpu-probe.js', import.meta.url).pathname;
/** The runtime settings before issue 26's change (a 64 KiB mmap threshold). */
export const PREVIOUS_RUNTIME_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536', NODE_OPTIONS: '--max-semi-space-size=16' };

interface Probe {
  cpuSeconds: number;
  userSeconds: number;
  systemSeconds: number;
  medianMs: number;
}

/** Runs bench/cpu-probe.ts in a fresh process with exactly `env`'s allocator and V8 settings; its JSON line. */
async function probe(args: string[], env: Record<string, string>): Promise<unknown> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MALLOC_') && k !== 'NODE_OPTIONS')) as Record<string, string>;
  const { stdout } = await run(process.execPath, [PROBE, ...args], { env: { ...clean, ...env }, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

export async function probeCpu(mode: 'ours' | 'naive', path: string, runs: number, env: Record<string, string>): Promise<Probe> {
  return (await probe([mode, path, String(runs)], env)) as Probe;
}

const cpu = (p: Probe) => `${p.cpuSeconds.toFixed(2)} s (user ${p.userSeconds.toFixed(2)}, sys ${p.systemSeconds.toFixed(2)})`;

/** Rows per image: ours now, ours with the previous settings, naive; returns ours ÷ naive of the first image. */
export async function cpuRows(images: { label: string; path: string }[], runs: number): Promise<{ table: string; ours: Probe; naive: Probe }> {
  const rows = [['image (CPU per image, whole process, fresh process each)', 'ours, runtime settings', 'ours, previous settings (mmap 64 KiB)', 'naive 12 calls, defaults', 'ours ÷ naive', 'previous ÷ naive']];
  let first: { ours: Probe; naive: Probe } | null = null;
  for (const image of images) {
    const ours = await probeCpu('ours', image.path, runs, RUNTIME_ENV);
    const previous = await probeCpu('ours', image.path, runs, PREVIOUS_RUNTIME_ENV);
    const naive = await probeCpu('naive', image.path, runs, {});
    first ??= { ours, naive };
    rows.push([image.label, cpu(ours), cpu(previous), cpu(naive), ratio(ours.cpuSeconds / naive.cpuSeconds), ratio(previous.cpuSeconds / naive.cpuSeconds)]);
  }
  return { table: formatTable(rows), ...first! };
}

/**
 * quality "auto" against 80 through the pool (runtime settings): CPU and median wall of each, the two
 * alternating run by run in the same fresh process (bench/cpu-probe.ts's paired mode), so that the
 * host's drift between them does not count as auto's cost. At least 7 runs each.
 */
export async function autoQualityRow(label: string, path: string, runs: number): Promise<string> {
  type Side = { cpuSeconds: number; medianMs: number };
  const [q80, auto] = ((await probe(['ours', path, String(Math.max(7, runs)), '80,auto'], RUNTIME_ENV)) as { paired: [Side, Side] }).paired;
  const cpuRatio = auto.cpuSeconds / q80.cpuSeconds;
  const wallRatio = auto.medianMs / q80.medianMs;
  const seconds = (s: number) => `${s.toFixed(2)} s`;
  return formatTable([
    [`${label}: quality "auto" vs 80 through the pool, alternating`, 'CPU q80', 'CPU auto', 'auto ÷ q80 CPU', 'wall q80', 'wall auto', 'auto ÷ q80 wall'],
    ['', seconds(q80.cpuSeconds), seconds(auto.cpuSeconds), `${ratio(cpuRatio)} (goal ≤ 1.30×: ${cpuRatio <= 1.3 ? 'met' : 'MISSED'})`, ms(q80.medianMs), ms(auto.medianMs), `${ratio(wallRatio)} (goal ≤ 1.15×: ${wallRatio <= 1.15 ? 'met' : 'MISSED'})`],
  ]);
}
