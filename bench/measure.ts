/** Timing helpers for the benchmarks: median wall time and process CPU time (all threads) per run. */

export interface Measurement {
  medianMs: number;
  /** CPU time of the whole process (main thread, worker threads, libuv and libvips threads) per run. */
  cpuMs: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` once to warm up (threads, page cache), then `runs` times, one after another. */
export async function measure(runs: number, fn: () => Promise<unknown>): Promise<Measurement> {
  await fn();
  const times: number[] = [];
  const before = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(before);
  return { medianMs: median(times), cpuMs: (cpu.user + cpu.system) / 1000 / runs };
}

/** Columns padded to their widest cell; the first column left-aligned, the rest right-aligned. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

export const ms = (value: number) => `${Math.round(value)} ms`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;
