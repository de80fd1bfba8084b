/**
 * CPU time of other processes from /proc (Linux): utime + stime of every thread of a process, and
 * the machine's busy time, so a benchmark can say which process used what share of the cores.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc's times (USER_HZ: 100 on every Linux build that matters). */
const TICKS = 100;
export const CORES = cpus().length;

/** CPU seconds the process has used so far (all its threads); 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime (fields 14 and 15)
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of the whole machine so far (all cores; idle and iowait left out). */
export function machineBusySeconds(): number {
  const [, ...times] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = times.map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS;
}

/** Resident memory of a process now, in bytes (VmRSS); 0 when it is gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used by processes from `begin` to `end`, sampled every 200 ms so a process that
 * exits (or is killed) midway still counts what it used until then.
 */
export class CpuMeter {
  readonly #first = new Map<number, number>();
  readonly #last = new Map<number, number>();
  #machine = 0;
  #wall = 0;
  #timer: NodeJS.Timeout | undefined;

  begin(pids: number[]): void {
    this.#first.clear();
    this.#last.clear();
    for (const pid of pids) this.track(pid);
    this.#machine = machineBusySeconds();
    this.#wall = performance.now();
    this.#timer = setInterval(() => this.#sample(), 200);
  }

  /** Counts this process too from now on (or from its start, with `fromZero`: a process that began after `begin`). */
  track(pid: number, fromZero = false): void {
    if (this.#first.has(pid)) return;
    const now = cpuSeconds(pid);
    this.#first.set(pid, fromZero ? 0 : now);
    this.#last.set(pid, now);
  }

  #sample(): void {
    for (const pid of this.#first.keys()) {
      const now = cpuSeconds(pid);
      if (now > 0) this.#last.set(pid, now);
    }
  }

  /** CPU seconds per tracked pid since `begin`, the machine's busy seconds, and the wall time. */
  end(): { byPid: Map<number, number>; machine: number; wallSeconds: number } {
    clearInterval(this.#timer);
    this.#sample();
    const byPid = new Map([...this.#first].map(([pid, first]) => [pid, this.#last.get(pid)! - first]));
    return { byPid, machine: machineBusySeconds() - this.#machine, wallSeconds: (performance.now() - this.#wall) / 1000 };
  }
}
