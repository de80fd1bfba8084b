/**
 * Turning a collection private or public (contract §11) moves its files — numbered sizes and named
 * variants alike — between the public pattern and the private area (`_private/`, on S3 the private bucket). Every URL keeps answering until the
 * change is done, and afterwards no URL of the old kind does:
 *   1. copy the ready images' files to the new place;
 *   2. flip the collection and its images in one transaction (the API links the new way from here);
 *   3. copy again what became ready meanwhile, then delete the old files.
 * An image processed across the flip published at the old place: its job moves it (relocate()).
 */
import type { Actor } from '../../auth/actor.ts';
import type { DataSource } from 'typeorm';
import { ConflictError, ValidationError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import { VISIBILITIES, type Collection, type Visibility } from '../collections/collection.entity.ts';
import { OUTPUT_CONTENT_TYPES, type OutputFormat } from '../images/formats.ts';
import { NAMED_CACHE_CONTROL } from '../images/art-direction.ts';
import { storedNamedKey, storedVariantKey } from '../images/variant-urls.ts';
import { PRIVATE_CACHE_CONTROL, VARIANT_CACHE_CONTROL } from '../processing/image-processor.ts';
import type { DeliveryAccess } from './access.ts';


/** One stored file of an image: a numbered size (`name` null) or a named variant's file (contract §13). */
interface FileRow {
  collection_id: string;
  slug: string;
  size: number | null;
  name: string | null;
  format: OutputFormat;
}

/** Where a file sits in a collection of the given visibility. */
function keyAt(f: FileRow, visibility: Visibility): string {
  return f.name === null ? storedVariantKey(f.collection_id, f.size!, f.slug, f.format, visibility) : storedNamedKey(f.collection_id, f.name, f.slug, f.format, visibility);
}

/** What a file is stored with at its new place: private files never go to shared caches. */
function cacheControlAt(f: FileRow, visibility: Visibility): string {
  if (visibility === 'private') return PRIVATE_CACHE_CONTROL;
  return f.name === null ? VARIANT_CACHE_CONTROL : NAMED_CACHE_CONTROL;
}

export class VisibilitySwitch {
  constructor(
    private readonly db: DataSource,
    private readonly store: ObjectStore,
    private readonly access: DeliveryAccess,
    /** False on S3 without a private bucket: private files would sit in the public bucket. */
    private readonly privateAreaAvailable: boolean,
    private readonly logger: Logger,
  ) {}

  async set(actor: Actor, collectionId: string, visibility: unknown): Promise<Collection> {
    if (!(VISIBILITIES as readonly unknown[]).includes(visibility)) throw new ValidationError('visibility must be "public" or "private"', 'INVALID_VISIBILITY', 'visibility');
    const to = visibility as Visibility;
    const collection = await this.access.collection(actor, 'collection.setVisibility', collectionId);
    if (to === 'private' && !this.privateAreaAvailable) {
      throw new ValidationError('This server keeps files in a public S3 bucket: set S3_PRIVATE_BUCKET (or S3_ORIGINALS_BUCKET) to a private bucket to make collections private', 'PRIVATE_BUCKET_REQUIRED', 'visibility');
    }
    if (collection.visibility === to) return collection;
    const from = collection.visibility;
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ got }] = (await runner.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got`, [`visibility:${collectionId}`])) as [{ got: boolean }];
      if (!got) throw new ConflictError("Another request is changing this collection's visibility", 'VISIBILITY_CHANGING');
      try {
        await this.copyFiles(await this.readyFiles(collectionId), from, to);
        await this.db.transaction(async (tx) => {
          await tx.query(`SELECT 1 FROM collections WHERE id = $1 FOR UPDATE`, [collectionId]);
          await tx.query(`UPDATE collections SET visibility = $2 WHERE id = $1`, [collectionId, to]);
          await tx.query(`UPDATE images SET visibility = $2 WHERE collection_id = $1`, [collectionId, to]);
        });
        const files = await this.readyFiles(collectionId);
        await this.copyFiles(files, from, to);
        await this.deleteFiles(files, from);
        this.logger.info({ collectionId, from, to, files: files.length }, 'collection visibility changed');
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [`visibility:${collectionId}`]);
      }
    } finally {
      await runner.release();
    }
    return { ...collection, visibility: to };
  }

  /**
   * After a job activated an image: if its collection changed visibility while it ran, the files it
   * published at the place it was claimed for are moved to where the image is linked now.
   */
  async relocate(image: { id: string; visibility: Visibility }): Promise<void> {
    const rows = (await this.db.query(`SELECT visibility FROM images WHERE id = $1 AND status = 'ready'`, [image.id])) as { visibility: Visibility }[];
    const now = rows[0]?.visibility;
    if (!now || now === image.visibility) return;
    const files = await this.filesOf(`i.id = $1`, [image.id]);
    await this.copyFiles(files, image.visibility, now);
    await this.deleteFiles(files, image.visibility);
  }

  private readyFiles(collectionId: string): Promise<FileRow[]> {
    return this.filesOf(`i.collection_id = $1 AND i.status = 'ready'`, [collectionId]);
  }

  /** The numbered sizes and the named variants' files of the images `where` picks. */
  private filesOf(where: string, params: unknown[]): Promise<FileRow[]> {
    return this.db.query(
      `SELECT i.collection_id, i.slug, v.size, NULL AS name, v.format FROM images i JOIN image_variants v ON v.image_id = i.id WHERE ${where}
       UNION ALL
       SELECT i.collection_id, i.slug, NULL, n->>'name', n->>'format' FROM images i CROSS JOIN LATERAL jsonb_array_elements(i.named_variants) n WHERE ${where}`,
      params,
    ) as Promise<FileRow[]>;
  }

  /** Copies each file whose source is still there (a second pass, or a job's relocation, may have moved it already). */
  private async copyFiles(files: FileRow[], from: Visibility, to: Visibility): Promise<void> {
    await runLimited(files, 6, async (f) => {
      const source = keyAt(f, from);
      const target = keyAt(f, to);
      if (!(await this.store.head(source))) return;
      const opts = { contentType: OUTPUT_CONTENT_TYPES[f.format], cacheControl: cacheControlAt(f, to) };
      await this.store.copy(source, target, opts).catch(async (err: unknown) => {
        if (!(await this.store.head(target))) throw err; // moved by someone else meanwhile: fine
      });
    });
  }

  private async deleteFiles(files: FileRow[], from: Visibility): Promise<void> {
    const keys = files.map((f) => keyAt(f, from));
    for (let i = 0; i < keys.length; i += 1000) await this.store.delete(keys.slice(i, i + 1000));
  }
}

async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}
