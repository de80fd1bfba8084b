/**
 * Images: intake (validate, store the original, reserve quota + insert the row + enqueue the job in
 * one short transaction), listing, and deletion. Rejected uploads leave nothing behind.
 */
import { Not, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { newId } from '../../db/ids.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { User } from '../accounts/user.entity.ts';
import type { CollectionsService } from '../collections/collections.service.ts';
import type { JobQueue } from '../processing/job-queue.ts';
import type { QuotaService, QuotaStatus } from '../quota/quota.service.ts';
import type { StatusBus } from '../status/status-bus.ts';
import { ImageVariant } from './image-variant.entity.ts';
import { Image, type ImageStatus } from './image.entity.ts';
import { inspectSource, sniffFormat, type SourceLimits } from './sniff.ts';
import { isValidSlug, nextFreeSlug, slugFromFilename } from './slug.ts';
import type { SpooledFile } from './spool.ts';
import { allObjectKeys, originalKey } from './variant-urls.ts';

export interface UploadInput {
  file: SpooledFile | null;
  checksum: unknown;
  collectionId: unknown;
  slug?: unknown;
}

export interface ListFilter {
  collectionId?: string | null;
  status?: ImageStatus | null;
}

const PG_UNIQUE_VIOLATION = '23505';
/** Retries when concurrent uploads race for the same automatic slug. */
const AUTO_SLUG_ATTEMPTS = 10;

export class ImagesService {
  private readonly images: Repository<Image>;

  constructor(
    private readonly db: DataSource,
    private readonly store: ObjectStore,
    private readonly collections: CollectionsService,
    private readonly quota: QuotaService,
    private readonly queue: JobQueue,
    private readonly bus: StatusBus,
    private readonly limits: SourceLimits,
    private readonly logger: Logger,
  ) {
    this.images = db.getRepository(Image);
  }

  /** Accepts an upload and returns the image (status `processing`) with the caller's quota after it. */
  async upload(user: User, input: UploadInput): Promise<{ image: Image; quota: QuotaStatus }> {
    const { file } = input;
    for (const [name, value] of [['file', file], ['checksum', input.checksum], ['collection', input.collectionId]] as const) {
      if (value === null || value === undefined || value === '') throw new ValidationError(`Missing required field "${name}"`, 'MISSING_FIELD');
    }
    if (typeof input.checksum !== 'string' || !/^[0-9a-f]{64}$/i.test(input.checksum.trim())) {
      throw new ValidationError('checksum must be the SHA-256 of the file as 64 hex characters', 'INVALID_CHECKSUM');
    }
    const collection = await this.collections.assertOwned(user.id, String(input.collectionId));
    const slug = input.slug === undefined || input.slug === null || input.slug === '' ? null : String(input.slug);
    if (slug !== null && !isValidSlug(slug)) {
      throw new ValidationError('slug must be lowercase letters and digits joined by single hyphens, at most 100 characters', 'INVALID_SLUG');
    }
    const spooled = file!;
    if (spooled.size === 0) throw new ValidationError('The file is empty', 'EMPTY_FILE');
    if (spooled.sha256 !== input.checksum.trim().toLowerCase()) {
      throw new ValidationError('checksum does not match the SHA-256 of the uploaded file', 'CHECKSUM_MISMATCH');
    }
    const format = sniffFormat(spooled.head);
    if (!format) throw new ValidationError('Unsupported file format: send a JPEG, PNG, WebP or GIF image', 'UNSUPPORTED_FORMAT');
    const info = await inspectSource(spooled.path, this.limits);
    await this.quota.assertAvailable(user);

    const id = newId('img');
    const key = originalKey(id);
    await this.store.putFile(key, spooled.path, { contentType: `image/${info.format}` });
    try {
      return await this.insertWithSlug(collection.id, slug, slugFromFilename(spooled.filename), async (tx, chosen) => {
        const quota = await this.quota.reserve(tx, user);
        const image = tx.create(Image, {
          id,
          userId: user.id,
          collectionId: collection.id,
          slug: chosen,
          checksum: spooled.sha256,
          status: 'processing',
          step: 'VALIDATE',
          progress: 0,
          error: null,
          sourceFormat: info.format,
          sourceBytes: spooled.size,
          originalFilename: spooled.filename?.slice(0, 255) ?? null,
          width: info.width,
          height: info.height,
          frames: info.pages,
          readyAt: null,
        });
        await tx.insert(Image, image);
        await this.queue.enqueue(tx, { imageId: id });
        return { image: await tx.findOneByOrFail(Image, { id }), quota };
      });
    } catch (err) {
      await this.store.delete([key]).catch((e: unknown) => this.logger.error({ err: e, key }, 'could not remove a rejected original'));
      throw err;
    }
  }

  /** An explicit slug conflicts with 409; an automatic one takes the next free numeric suffix. */
  private async insertWithSlug<T>(collectionId: string, explicit: string | null, base: string, insert: (tx: EntityManager, slug: string) => Promise<T>): Promise<T> {
    for (let attempt = 0; attempt < AUTO_SLUG_ATTEMPTS; attempt++) {
      let slug = explicit;
      if (!slug) {
        const rows: { slug: string }[] = await this.db.query(`SELECT slug FROM images WHERE collection_id = $1 AND (slug = $2 OR slug LIKE $2 || '-%')`, [collectionId, base]);
        slug = nextFreeSlug(base, rows.map((r) => r.slug));
      }
      try {
        return await this.db.transaction((tx) => insert(tx, slug));
      } catch (err) {
        const pgErr = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
        const code = pgErr.driverError?.code ?? pgErr.code;
        const constraint = pgErr.driverError?.constraint ?? pgErr.constraint;
        if (code !== PG_UNIQUE_VIOLATION || constraint !== 'images_collection_slug_key') throw err;
        if (explicit) throw new ConflictError(`The slug "${explicit}" is already used in this collection`, 'SLUG_TAKEN');
        // a concurrent upload took it: look again
      }
    }
    throw new ConflictError(`Could not find a free slug for "${base}"; pass one explicitly`, 'SLUG_TAKEN');
  }

  /** The caller's images with their variants, newest first, optionally filtered and paged by (createdAt, id). */
  async list(userId: string, filter: ListFilter = {}, page?: { limit: number; before?: { createdAt: Date; id: string } }): Promise<Image[]> {
    const qb = this.images.createQueryBuilder('i').where("i.user_id = :userId AND i.status <> 'deleted'", { userId });
    if (filter.collectionId) qb.andWhere('i.collection_id = :collectionId', { collectionId: filter.collectionId });
    if (filter.status) qb.andWhere('i.status = :status', { status: filter.status });
    // Cursors carry JavaScript's millisecond timestamps: order and compare at that precision, or rows
    // created within the same millisecond could be skipped between pages.
    const at = "date_trunc('milliseconds', i.created_at)";
    if (page?.before) qb.andWhere(`(${at}, i.id) < (:createdAt, :id)`, page.before);
    qb.orderBy(at, 'DESC').addOrderBy('i.id', 'DESC');
    if (page) qb.limit(page.limit);
    const images = await qb.getMany();
    // variants in one second query rather than a join, so LIMIT counts images, not image × variant rows
    const variants = images.length
      ? await this.db.getRepository(ImageVariant).createQueryBuilder('v').where('v.image_id = ANY(:ids)', { ids: images.map((i) => i.id) }).orderBy('v.size', 'ASC').getMany()
      : [];
    for (const image of images) image.variants = variants.filter((v) => v.imageId === image.id);
    return images;
  }

  /** The caller's image or 404 (also for other users' images). */
  async get(userId: string, id: string): Promise<Image> {
    const image = await this.images.findOne({ where: { id, userId, status: Not('deleted') }, relations: { variants: true }, order: { variants: { size: 'ASC' } } });
    if (!image) throw new NotFoundError('Image not found', 'IMAGE_NOT_FOUND');
    return image;
  }

  /** Whether a variant may be served: the CDN route answers only for ready images. */
  async isServable(collectionId: string, slug: string): Promise<boolean> {
    return this.images.exists({ where: { collectionId, slug, status: 'ready' } });
  }

  /**
   * Deletes an image and every stored object. Quota is not given back. A ready or failed image goes
   * at once (objects first, so a failed storage call leaves the row for a retry). An image still
   * processing is only marked `deleted` (hidden, its slug still held) and its job removes it, so a
   * running job can never write into a slug that a new upload has taken meanwhile.
   */
  async delete(userId: string, id: string): Promise<{ deferred: boolean; image: Image }> {
    const image = await this.db.transaction(async (tx) => {
      const row = await tx.findOne(Image, { where: { id, userId, status: Not('deleted') }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('Image not found', 'IMAGE_NOT_FOUND');
      if (row.status === 'processing') await tx.update(Image, { id }, { status: 'deleted', error: 'Image deleted' });
      return row;
    });
    if (image.status === 'processing') {
      // live watchers get their final event now; the job removes the rest
      await this.bus.publish({ imageId: id, userId, collectionId: image.collectionId, status: 'failed', step: image.step, progress: image.progress, error: 'Image deleted', at: new Date().toISOString() });
      return { deferred: true, image };
    }
    await this.store.delete(allObjectKeys(image));
    await this.images.delete({ id, userId });
    return { deferred: false, image };
  }

  /** Deletes a collection with all its images and their files (jobs still running clean up after themselves). */
  async deleteCollection(userId: string, collectionId: string): Promise<void> {
    await this.collections.get(userId, collectionId);
    const images = await this.images.find({ where: { userId, collectionId }, select: { id: true, slug: true, collectionId: true } });
    const keys = images.flatMap((i) => allObjectKeys(i));
    for (let i = 0; i < keys.length; i += 1000) await this.store.delete(keys.slice(i, i + 1000));
    await this.collections.delete(userId, collectionId);
  }

  variants(imageId: string): Promise<ImageVariant[]> {
    return this.db.getRepository(ImageVariant).find({ where: { imageId }, order: { size: 'ASC' } });
  }
}
