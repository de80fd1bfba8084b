/**
 * Orphan objects: stored objects that no image accounts for — an original whose upload never got
 * its row (a crash between the two), staged outputs left after publication, variants of a deleted
 * or failed image or of a format it no longer has, a named variant's file of a box the collection
 * dropped, a file left at the place (public or `_private/`) its collection's visibility no longer
 * uses, a probe of a check that was cut short. The
 * listing is streamed and judged 500 keys at a time against the database, so neither side is ever
 * held whole. Objects last changed within the grace age are never judged (uploads in flight).
 */
import type { DataSource } from 'typeorm';
import type { ListedObject, ObjectStore } from '../../storage/object-store.ts';
import type { Visibility } from '../collections/collection.entity.ts';
import { parseCdnPath, parseNamedCdnPath } from '../images/variant-urls.ts';
import { errorText, type CheckContext } from './findings.ts';

type OwnedKey =
  | { type: 'original' | 'staged'; imageId: string }
  /** A numbered size ("320.webp") or a named variant's file ("avatar.webp"), at the public place or under `_private/`. */
  | { type: 'variant'; collectionId: string; slug: string; variant: string; named: boolean; visibility: Visibility }
  | { type: 'probe' };

interface ImageRow {
  id: string;
  collection_id: string;
  slug: string;
  status: string;
  visibility: Visibility;
  in_run: boolean;
  variants: string[];
  named: string[];
}

const BATCH = 500;
const IMAGE_ID = /^img_[a-z0-9]{1,40}$/;

/** What a key is, by the patterns of variant-urls.ts; null for keys that are not ours (left alone). */
export function ownerOf(key: string): OwnedKey | null {
  const [top, id, ...rest] = key.split('/');
  if (top === '_originals' && id && IMAGE_ID.test(id) && rest.length === 0) return { type: 'original', imageId: id };
  if (top === '_staging' && id && IMAGE_ID.test(id) && rest.length === 1) return { type: 'staged', imageId: id };
  if (top === '_optimage-probe' && id && rest.length === 0) return { type: 'probe' };
  const visibility: Visibility = top === PRIVATE_TOP ? 'private' : 'public';
  const path = `/cdn/${visibility === 'private' ? key.slice(PRIVATE_TOP.length + 1) : key}`;
  const sized = parseCdnPath(path);
  if (sized) return { type: 'variant', collectionId: sized.collectionId, slug: sized.slug, variant: `${sized.size}.${sized.format}`, named: false, visibility };
  const named = parseNamedCdnPath(path);
  return named && { type: 'variant', collectionId: named.collectionId, slug: named.slug, variant: `${named.name}.${named.format}`, named: true, visibility };
}

const PRIVATE_TOP = '_private';

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
  // a visibility switch copies first and deletes the old place last: a copy made meanwhile is
  // within the grace age, and an old file deleted here is one the switch was about to delete
  if (owner.visibility !== image.visibility) return `a file at the ${owner.visibility} place of ${image.id}, whose collection is ${image.visibility}`;
  if (owner.named) return image.named.includes(owner.variant) ? null : `not a named variant of the ready image ${image.id} (it lists no ${owner.variant.replace('.', ' ')} file)`;
  return image.variants.includes(owner.variant) ? null : `not a variant of the ready image ${image.id} (it has no ${owner.variant.replace('.', ' px ')} row)`;
}

async function imagesFor(db: DataSource, owners: OwnedKey[]): Promise<ImageRow[]> {
  const ids = [...new Set(owners.flatMap((o) => (o.type === 'original' || o.type === 'staged' ? [o.imageId] : [])))];
  const pairs = [...new Map(owners.flatMap((o) => (o.type === 'variant' ? [[`${o.collectionId}/${o.slug}`, o] as const] : []))).values()];
  if (!ids.length && !pairs.length) return [];
  // two index lookups (by id; by the collection-slug key), then each match's variant rows by their primary key
  return db.query(
    `WITH wanted AS (
       SELECT id FROM images WHERE id = ANY($1)
       UNION
       SELECT i.id FROM images i JOIN unnest($2::text[], $3::text[]) AS p(c, s) ON i.collection_id = p.c AND i.slug = p.s
     )
     SELECT i.id, i.collection_id, i.slug, i.status, i.visibility, i.reprocess_run_id IS NOT NULL AS in_run,
            coalesce((SELECT array_agg(v.size || '.' || v.format) FROM image_variants v WHERE v.image_id = i.id), '{}') AS variants,
            coalesce((SELECT array_agg((n->>'name') || '.' || (n->>'format')) FROM jsonb_array_elements(i.named_variants) n), '{}') AS named
       FROM wanted w JOIN images i ON i.id = w.id`,
    [ids, pairs.map((p) => p.collectionId), pairs.map((p) => p.slug)],
  ) as Promise<ImageRow[]>;
}
