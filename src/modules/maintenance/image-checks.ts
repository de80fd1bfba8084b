/**
 * The image rows against the storage and the job queue: ready images whose variant files are gone
 * (rendered again from the original, in place, while the image stays ready), and images that wait
 * for a job no one will run (its job lost: the row is processing, deleted or in a reprocess run,
 * and pg-boss has no live job for it). Repairs go through the services that own those rows.
 */
import type { DataSource } from 'typeorm';
import { DEAD_IMAGE_QUEUE, PROCESS_IMAGE_QUEUE } from '../../jobs/job-queue.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { ImageLifecycle } from '../images/image-lifecycle.ts';
import { Image } from '../images/image.entity.ts';
import type { ImagesService } from '../images/images.service.ts';
import type { ReprocessService } from '../images/reprocess.service.ts';
import { VARIANT_SIZES } from '../images/sizes.ts';
import type { Visibility } from '../collections/collection.entity.ts';
import { originalKey, storedNamedKey, storedVariantKey } from '../images/variant-urls.ts';
import type { OutputFormat } from '../images/formats.ts';
import { errorText, type CheckContext, type Finding } from './findings.ts';

const PAGE = 200;
const HEADS_IN_FLIGHT = 16;

export interface ImageRepairs {
  lifecycle: ImageLifecycle;
  images: ImagesService;
  reprocess: ReprocessService;
}

interface ReadyRow {
  id: string;
  collection_id: string;
  slug: string;
  visibility: Visibility;
  variants: string[];
  /** Its named variants' files ("avatar.webp"). */
  named: string[];
}

/**
 * Ready images (not in a reprocess run) in id order from `after`, at most `maxImages`: every file of
 * a variant row, and every WebP size (each ready image has all twelve), must exist. Returns the last
 * id checked, or null when all were.
 */
export async function checkMissingVariants(ctx: CheckContext, db: DataSource, store: ObjectStore, repairs: ImageRepairs, bounds: { after?: string | undefined; maxImages?: number | undefined } = {}): Promise<string | null> {
  let after = bounds.after ?? '';
  let checked = 0;
  for (;;) {
    const limit = Math.min(PAGE, (bounds.maxImages ?? Infinity) - checked);
    const rows = (await db.query(
      // a page of the primary key, then each image's variant rows by theirs
      `SELECT i.id, i.collection_id, i.slug, i.visibility, coalesce((SELECT array_agg(v.size || '.' || v.format) FROM image_variants v WHERE v.image_id = i.id), '{}') AS variants,
              coalesce((SELECT array_agg((n->>'name') || '.' || (n->>'format')) FROM jsonb_array_elements(i.named_variants) n), '{}') AS named
         FROM images i
        WHERE i.status = 'ready' AND i.reprocess_run_id IS NULL AND i.id > $1
        ORDER BY i.id LIMIT $2`,
      [after, limit],
    )) as ReadyRow[];
    for (const row of rows) {
      const missing = await missingFiles(store, row);
      if (missing.length) await reportMissing(ctx, store, repairs, row, missing);
    }
    checked += rows.length;
    ctx.report.scanned.images += rows.length;
    if (rows.length < limit) return null;
    after = rows[rows.length - 1]!.id;
    if (ctx.signal?.aborted || checked >= (bounds.maxImages ?? Infinity)) {
      ctx.report.complete = false;
      return after;
    }
  }
}

/** The files of a ready image that are absent ("size.format", then its named variants' "name.format"), smallest first. */
async function missingFiles(store: ObjectStore, row: ReadyRow): Promise<string[]> {
  const expected = [...new Set([...VARIANT_SIZES.map((size) => `${size}.webp`), ...row.variants, ...row.named])];
  const missing: string[] = [];
  for (let i = 0; i < expected.length; i += HEADS_IN_FLIGHT) {
    const slice = expected.slice(i, i + HEADS_IN_FLIGHT);
    const heads = await Promise.all(
      slice.map((v) => {
        const [size, format] = v.split('.') as [string, OutputFormat];
        // sizes are numbers, names start with a letter (variant-urls.ts)
        const key = /^\d/.test(size) ? storedVariantKey(row.collection_id, Number(size), row.slug, format, row.visibility) : storedNamedKey(row.collection_id, size, row.slug, format, row.visibility);
        return store.head(key);
      }),
    );
    slice.forEach((v, j) => heads[j] === null && missing.push(v));
  }
  return missing;
}

async function reportMissing(ctx: CheckContext, store: ObjectStore, repairs: ImageRepairs, row: ReadyRow, missing: string[]): Promise<void> {
  const what = `ready, but ${missing.length} variant file(s) are missing: ${missing.map((v) => (/^\d/.test(v) ? v.replace('.', ' px ') : v.replace('.', ' '))).join(', ')}`;
  const hasOriginal = (await store.head(originalKey(row.id))) !== null;
  const finding: Finding = { kind: 'missing-variant', subject: row.id, detail: hasOriginal ? what : `${what}; its original is gone too, so it cannot be rendered again (delete it, or upload the file again)`, repairable: hasOriginal, fixed: false };
  if (hasOriginal && ctx.fix && ctx.budget.take(1)) {
    await attempt(finding, async () => ((await repairs.reprocess.repair(row.id)) ? 'rendered again from its original (a job is queued)' : null));
  }
  ctx.report.add(finding);
}

interface StuckRow {
  id: string;
  status: 'processing' | 'deleted' | 'ready';
  run_id: string | null;
}

/** Images waiting on a job that pg-boss no longer has (neither queued, retrying, running nor dead-lettered). */
export async function checkStuckImages(ctx: CheckContext, db: DataSource, store: ObjectStore, repairs: ImageRepairs, maxImages?: number): Promise<void> {
  const rows = (await db.query(
    `SELECT i.id, i.status, i.reprocess_run_id AS run_id FROM images i
      WHERE (i.status IN ('processing', 'deleted') OR i.reprocess_run_id IS NOT NULL) AND i.updated_at < $1
        AND NOT EXISTS (SELECT 1 FROM pgboss.job j WHERE j.name IN ($2, $3) AND j.state IN ('created', 'retry', 'active') AND j.data->>'imageId' = i.id)
      ORDER BY i.id LIMIT $4`,
    [ctx.olderThan, PROCESS_IMAGE_QUEUE, DEAD_IMAGE_QUEUE, maxImages ?? null],
  )) as StuckRow[];
  if (maxImages !== undefined && rows.length >= maxImages) ctx.report.complete = false;
  for (const row of rows) {
    if (ctx.signal?.aborted) {
      ctx.report.complete = false;
      return;
    }
    ctx.report.add(await stuckFinding(ctx, db, store, repairs, row));
  }
}

async function stuckFinding(ctx: CheckContext, db: DataSource, store: ObjectStore, repairs: ImageRepairs, row: StuckRow): Promise<Finding> {
  const lost = 'has no live process-image job';
  if (row.status === 'deleted') {
    const finding: Finding = { kind: 'stuck-image', subject: row.id, detail: `deleted by its owner, but ${lost} to remove it`, repairable: true, fixed: false };
    if (ctx.fix && ctx.budget.take(1)) {
      await attempt(finding, async () => {
        const image = await db.getRepository(Image).findOneBy({ id: row.id, status: 'deleted' });
        if (!image) return null;
        await repairs.lifecycle.purge(image);
        return 'purged (its objects, then its row)';
      });
    }
    return finding;
  }
  if (row.status === 'ready') {
    const finding: Finding = { kind: 'stuck-image', subject: row.id, detail: `ready and in reprocess run ${row.run_id}, but ${lost}`, repairable: true, fixed: false };
    if (ctx.fix && ctx.budget.take(1)) {
      await attempt(finding, async () => {
        await repairs.lifecycle.endRerun(row.id, row.run_id!, 'its job was lost');
        return 'taken out of the run, keeping its files (counted as failed there)';
      });
    }
    return finding;
  }
  const hasOriginal = (await store.head(originalKey(row.id))) !== null;
  const finding: Finding = { kind: 'stuck-image', subject: row.id, detail: `processing, but ${lost}${hasOriginal ? '' : ', and its original is gone'}`, repairable: true, fixed: false };
  if (ctx.fix && ctx.budget.take(1)) {
    await attempt(finding, async () => {
      if (hasOriginal) return (await repairs.images.requeue(row.id)) ? 'a new job is queued' : null;
      await repairs.lifecycle.fail(row.id, 'its job was lost and its original is no longer stored; upload the file again', 'storage');
      return 'failed (its original is gone)';
    });
  }
  return finding;
}

/** Runs a repair: its outcome, or null when the row had moved on meanwhile (then nothing is left to do either). */
async function attempt(finding: Finding, repair: () => Promise<string | null>): Promise<void> {
  try {
    finding.outcome = (await repair()) ?? 'it changed meanwhile; nothing to do';
    finding.fixed = true;
  } catch (err) {
    finding.outcome = `repair failed: ${errorText(err)}`;
  }
}
