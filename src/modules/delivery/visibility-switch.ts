/**
 * Turning a collection private or public (contract §11) moves its files between the public pattern
 * and the private area (`_private/`, on S3 the private bucket). Every URL keeps answering until the
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
import { namedKey, storedVariantKey } from '../images/variant-urls.ts';
import { VARIANT_CACHE_CONTROL } from '../processing/image-processor.ts';
import type { DeliveryAccess } from './access.ts';

/** Stored with private files: never kept by shared caches (a redirect hands the object out as is). */
const PRIVATE_CACHE_CONTROL = 'private, max-age=3600';

interface FileRow {
  id: string;
  collection_id: string;
  slug: string;
  size: number;
  format: OutputFormat;
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
        const withdrawn = await this.db.transaction(async (tx) => {
          await tx.query(`SELECT 1 FROM collections WHERE id = $1 FOR UPDATE`, [collectionId]);
          await tx.query(`UPDATE collections SET visibility = $2 WHERE id = $1`, [collectionId, to]);
          await tx.query(`UPDATE images SET visibility = $2 WHERE collection_id = $1`, [collectionId, to]);
          // named variants (contract §13) live at public keys only: a private collection keeps none
          if (to !== 'private') return [];
          const [rows] = (await tx.query(
            `UPDATE images i SET named_variants = '[]'::jsonb FROM images o
              WHERE i.id = o.id AND i.collection_id = $1 AND jsonb_array_length(o.named_variants) > 0 RETURNING i.slug, o.named_variants AS named`,
            [collectionId],
          )) as [{ slug: string; named: { name: string; format: OutputFormat }[] }[], number];
          return rows.flatMap((r) => r.named.map((f) => namedKey(collectionId, f.name, r.slug, f.format)));
        });
        for (let i = 0; i < withdrawn.length; i += 1000) await this.store.delete(withdrawn.slice(i, i + 1000));
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

  private filesOf(where: string, params: unknown[]): Promise<FileRow[]> {
    return this.db.query(`SELECT i.id, i.collection_id, i.slug, v.size, v.format FROM images i JOIN image_variants v ON v.image_id = i.id WHERE ${where} ORDER BY i.id`, params) as Promise<FileRow[]>;
  }

  /** Copies each file whose source is still there (a second pass, or a job's relocation, may have moved it already). */
  private async copyFiles(files: FileRow[], from: Visibility, to: Visibility): Promise<void> {
    await runLimited(files, 6, async (f) => {
      const collectionId = f.collection_id;
      const source = storedVariantKey(collectionId, f.size, f.slug, f.format, from);
      const target = storedVariantKey(collectionId, f.size, f.slug, f.format, to);
      if (!(await this.store.head(source))) return;
      const opts = { contentType: OUTPUT_CONTENT_TYPES[f.format], cacheControl: to === 'private' ? PRIVATE_CACHE_CONTROL : VARIANT_CACHE_CONTROL };
      await this.store.copy(source, target, opts).catch(async (err: unknown) => {
        if (!(await this.store.head(target))) throw err; // moved by someone else meanwhile: fine
      });
    });
  }

  private async deleteFiles(files: FileRow[], from: Visibility): Promise<void> {
    const keys = files.map((f) => storedVariantKey(f.collection_id, f.size, f.slug, f.format, from));
    for (let i = 0; i < keys.length; i += 1000) await this.store.delete(keys.slice(i, i + 1000));
  }
}

async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}
