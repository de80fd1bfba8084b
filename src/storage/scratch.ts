/**
 * Scratch files under DATA_DIR (never the OS temp dir): spooled uploads and originals fetched for
 * processing. Each name carries the owning process id, so the start-up sweep removes what a killed
 * process left behind — files whose owner is gone, or that are older than a day — and never a file
 * that a live process sharing the directory (an API node beside a worker) is still using.
 */
import { randomUUID } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type ScratchKind = 'upload' | 'source';

/** Whatever the owner, a scratch file older than this is a leftover (no upload or job lasts a day). */
export const SCRATCH_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const SCRATCH_NAME = /^optimage-(upload|source)-(\d+)-[0-9a-f-]{36}$/;

export function scratchPath(dir: string, kind: ScratchKind): string {
  return join(dir, `optimage-${kind}-${process.pid}-${randomUUID()}`);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** A scratch file that nobody will use again. */
export interface StaleScratch {
  name: string;
  path: string;
  size: number;
  lastModified: Date;
}

/**
 * Leftover scratch files in `dir`: owner gone or older than a day, and (for the doctor, which must not
 * race a process that has just started) last changed at least `minAgeMs` ago. Removes nothing.
 */
export async function findStaleScratch(dir: string, now = Date.now(), minAgeMs = 0): Promise<StaleScratch[]> {
  const stale: StaleScratch[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const match = SCRATCH_NAME.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info) continue;
    const age = now - info.mtimeMs;
    if (age < minAgeMs || (isAlive(Number(match[2])) && age < SCRATCH_MAX_AGE_MS)) continue;
    stale.push({ name, path, size: info.size, lastModified: info.mtime });
  }
  return stale;
}

/** Removes leftover scratch files in `dir`; returns the names removed. */
export async function sweepScratch(dir: string, now = Date.now()): Promise<string[]> {
  const stale = await findStaleScratch(dir, now);
  for (const file of stale) await rm(file.path, { force: true });
  return stale.map((file) => file.name);
}
