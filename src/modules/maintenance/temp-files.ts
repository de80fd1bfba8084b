/**
 * Stale temp files under DATA_DIR: scratch files (spooled uploads, fetched originals) nobody will
 * use again (scratch.ts decides which), the local store's own leftovers (`.tmp-*` of writes that
 * never finished, lone sidecars), and tus files (local storage) that no unfinished upload owns.
 * Nothing changed within the grace age is touched.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { LocalStore } from '../../storage/local-store.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import { findStaleScratch } from '../../storage/scratch.ts';
import { errorText, type CheckContext, type Finding } from './findings.ts';

export interface TempDirs {
  /** Spooled uploads and fetched originals (PublicSettings.uploadDir). */
  scratchDir: string;
  /** The tus file store's directory, or null when resumable uploads live in the bucket. */
  tusDir: string | null;
}

export async function checkTempFiles(ctx: CheckContext, db: DataSource, store: ObjectStore, dirs: TempDirs): Promise<void> {
  const found: { path: string; detail: string; remove: () => Promise<void> }[] = [];
  for (const file of await findStaleScratch(dirs.scratchDir, Date.now(), Date.now() - ctx.olderThan.getTime())) {
    found.push({ path: file.path, detail: `a scratch file whose process is gone or that is over a day old (${describe(file)})`, remove: () => rm(file.path, { force: true }) });
  }
  if (store instanceof LocalStore) {
    for await (const file of store.leftovers(ctx.olderThan)) {
      found.push({ path: file.path, detail: `a leftover of an unfinished storage write (${describe(file)})`, remove: () => store.removeLeftover(file.path) });
    }
  }
  if (dirs.tusDir) found.push(...(await tusLeftovers(ctx, db, dirs.tusDir)));
  for (const file of found) {
    const finding: Finding = { kind: 'stale-temp-file', subject: file.path, detail: file.detail, repairable: true, fixed: false };
    if (ctx.fix && ctx.budget.take(1)) {
      try {
        await file.remove();
        finding.fixed = true;
        finding.outcome = 'removed';
      } catch (err) {
        finding.outcome = `could not remove: ${errorText(err)}`;
      }
    }
    ctx.report.add(finding);
  }
}

/** tus files (`<id>` and `<id>.json`) of uploads with no row, or whose row says they became an image (their bytes were to be removed then). */
async function tusLeftovers(ctx: CheckContext, db: DataSource, dir: string): Promise<{ path: string; detail: string; remove: () => Promise<void> }[]> {
  const old: { name: string; id: string; size: number; lastModified: Date }[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const info = await stat(join(dir, name)).catch(() => null);
    if (info?.isFile() && info.mtime < ctx.olderThan) old.push({ name, id: name.replace(/\.json$/, ''), size: info.size, lastModified: info.mtime });
  }
  if (!old.length) return [];
  const live = (await db.query(`SELECT id FROM resumable_uploads WHERE id = ANY($1) AND image_id IS NULL`, [[...new Set(old.map((f) => f.id))]])) as { id: string }[];
  const owned = new Set(live.map((r) => r.id));
  return old
    .filter((f) => !owned.has(f.id))
    .map((f) => {
      const path = join(dir, f.name);
      return { path, detail: `a resumable upload's file that no unfinished upload owns (${describe(f)})`, remove: () => rm(path, { force: true }) };
    });
}

function describe(file: { size: number; lastModified: Date }): string {
  return `${file.size} bytes, last changed ${file.lastModified.toISOString()}`;
}
