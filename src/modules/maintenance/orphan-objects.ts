/**
 * Orphan objects: stored objects that no image accounts for — an original whose upload never got
 * its row (a crash between the two), staged outputs left after publication, variants of a deleted
 * or failed image or of a format it no longer has, a probe of a check that was cut short. The
 * listing is streamed and judged 500 keys at a time against the database, so neither side is ever
 * held whole. Objects last changed within the grace age are never judged (uploads in flight).
 */
import type { DataSource } from 'typeorm';
import type { ListedObject, ObjectStore } from '../../storage/object-store.ts';
import { parseCdnPath } from '../images/variant-urls.ts';
import { errorText, type CheckContext } from './findings.ts';

type OwnedKey =
  | { type: 'original' | 'staged'; imageId: string }
  | { type: 'variant'; collectionId: string; slug: string; variant: string }
  | { type: 'probe' };

interface ImageRow {
  id: string;
  collection_id: string;
  slug: string;
  status: string;
  in_run: boolean;
  variants: string[];
}

const BATCH = 500;
const IMAGE_ID = /^img_[a-z0-9]{1,40}$/;

/** What a key is, by the patterns of variant-urls.ts; null for keys that are not ours (left alone). */
export function ownerOf(key: string): OwnedKey | null {
  const [top, id, ...rest] = key.split('/');
  if (top === '_originals' && id && IMAGE_ID.test(id) && rest.length === 0) return { type: 'original', imageId: id };
  if (top === '_staging' && id && IMAGE_ID.test(id) && rest.length === 1) return { type: 'staged', imageId: id };
  if (top === '_optimage-probe' && id && rest.length === 0) return { type: 'probe' };
  const variant = parseCdnPath(`/cdn/${key}`);
  return variant && { type: 'variant', collectionId: variant.collectionId, slug: variant.slug, variant: `${variant.size}.${variant.format}` };
}

export interface ListingBounds {
  startAfter?: string | undefined;
  maxObjects?: number | undefined;
}

/** Lists the store (from `startAfter`, at most `maxObjects`); returns the last key seen, or null when the listing ended. */
export async function checkOrphanObjects(ctx: CheckContext, db: DataSource, store: ObjectStore, bounds: ListingBounds = {}): Promise<string | null> {
  let batch: { object: ListedObject; owner: OwnedKey }[] = [];
  let last: string | null = null;
  let seen = 0;
  for await (const object of store.list('', { startAfter: bounds.startAfter })) {
    seen++;
    last = object.key;
    const owner = object.lastModified < ctx.olderThan ? ownerOf(object.key) : null;
    if (owner) batch.push({ object, owner });
    if (batch.length >= BATCH) {
      await judge(ctx, db, store, batch);
      batch = [];
    }
    if (ctx.signal?.aborted || (bounds.maxObjects !== undefined && seen >= bounds.maxObjects)) {
      ctx.report.complete = false;
      break;
    }
  }
  await judge(ctx, db, store, batch);
  ctx.report.scanned.objects += seen;
  return ctx.report.complete ? null : last;
}

async function judge(ctx: CheckContext, db: DataSource, store: ObjectStore, batch: { object: ListedObject; owner: OwnedKey }[]): Promise<void> {
  if (!batch.length) return;
  const rows = await imagesFor(db, batch.map((b) => b.owner));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const bySlug = new Map(rows.map((r) => [`${r.collection_id}/${r.slug}`, r]));
  const orphans = batch.flatMap(({ object, owner }) => {
    const why = orphanReason(owner, owner.type === 'variant' ? bySlug.get(`${owner.collectionId}/${owner.slug}`) : owner.type === 'probe' ? undefined : byId.get(owner.imageId));
    return why ? [{ key: object.key, why: `${why} (${object.size} bytes, last changed ${object.lastModified.toISOString()})` }] : [];
  });
  if (!orphans.length) return;
  const granted = ctx.fix ? ctx.budget.take(orphans.length) : 0;
  let outcome: string | undefined;
  let fixed = granted > 0;
  if (fixed) {
    try {
      await store.delete(orphans.slice(0, granted).map((o) => o.key));
      outcome = 'deleted';
    } catch (err) {
      fixed = false;
      outcome = `could not delete: ${errorText(err)}`;
    }
  }
  orphans.forEach((o, i) => {
    const done = i < granted;
    ctx.report.add({ kind: 'orphan-object', subject: o.key, detail: o.why, repairable: true, fixed: done && fixed, ...(done && outcome ? { outcome } : {}) });
  });
}

/** Why the object is an orphan, or null when its image accounts for it (or will: processing, deleted, in a run). */
function orphanReason(owner: OwnedKey, image: ImageRow | undefined): string | null {
  if (owner.type === 'probe') return 'a storage check probe that was never removed';
  if (!image) return owner.type === 'variant' ? `no image has the slug "${owner.slug}" in ${owner.collectionId}` : `no image ${owner.imageId} exists`;
  // a job works on these: it publishes, tidies or purges their objects itself
  if (image.status === 'processing' || image.status === 'deleted' || image.in_run) return null;
  if (owner.type === 'original') return null; // kept for every ready or failed image (reprocessing, retry)
  if (owner.type === 'staged') return `a staged output of ${image.id}, which is ${image.status} (publication over)`;
  if (image.status === 'failed') return `a variant of ${image.id}, which failed`;
  if (owner.type !== 'variant') return null;
  return image.variants.includes(owner.variant) ? null : `not a variant of the ready image ${image.id} (it has no ${owner.variant.replace('.', ' px ')} row)`;
}

async function imagesFor(db: DataSource, owners: OwnedKey[]): Promise<ImageRow[]> {
  const ids = [...new Set(owners.flatMap((o) => (o.type === 'original' || o.type === 'staged' ? [o.imageId] : [])))];
  const pairs = [...new Map(owners.flatMap((o) => (o.type === 'variant' ? [[`${o.collectionId}/${o.slug}`, o] as const] : []))).values()];
  if (!ids.length && !pairs.length) return [];
  // two index lookups (by id; by the collection-slug key), then each match's variant rows by their primary key
  return db.query(
    `WITH wanted AS (
       SELECT id, collection_id, slug, status, reprocess_run_id FROM images WHERE id = ANY($1)
       UNION
       SELECT i.id, i.collection_id, i.slug, i.status, i.reprocess_run_id FROM images i JOIN unnest($2::text[], $3::text[]) AS p(c, s) ON i.collection_id = p.c AND i.slug = p.s
     )
     SELECT w.id, w.collection_id, w.slug, w.status, w.reprocess_run_id IS NOT NULL AS in_run,
            coalesce((SELECT array_agg(v.size || '.' || v.format) FROM image_variants v WHERE v.image_id = w.id), '{}') AS variants
       FROM wanted w`,
    [ids, pairs.map((p) => p.collectionId), pairs.map((p) => p.slug)],
  ) as Promise<ImageRow[]>;
}
