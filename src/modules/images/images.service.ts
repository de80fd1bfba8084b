/**
 * Images: intake (validate, store the original, reserve quota + insert the row + enqueue the job in
 * one short transaction), listing, and deletion. Rejected uploads leave nothing behind. Row states
 * change only through ImageLifecycle.
 */
import { Not, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { newId } from '../../db/ids.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { SpooledFile } from '../../storage/spool.ts';
import type { User } from '../accounts/user.entity.ts';
import type { CollectionsService } from '../collections/collections.service.ts';
import type { QuotaService, QuotaStatus } from '../quota/quota.service.ts';
import { cleanFilename } from './filename.ts';
import type { ImageLifecycle } from './image-lifecycle.ts';
import { ImageVariant } from './image-variant.entity.ts';
import { Image, type ImageStatus } from './image.entity.ts';
import { inspectSource, sniffFormat, type SourceLimits } from './sniff.ts';
import { isValidSlug, nextFreeSlug, slugFromFilename } from './slug.ts';
import { allObjectKeys, originalKey } from './variant-urls.ts';

/** An upload as the HTTP edge hands it over: the file spooled and hashed, the fields as sent. */
export interface UploadCommand {
  file: SpooledFile;
  checksum: string;
  collectionId: string;
  /** null: made from the file name. */
  slug: string | null;
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
    private readonly lifecycle: ImageLifecycle,
    private readonly collections: CollectionsService,
    private readonly quota: QuotaService,
    private readonly queue: JobQueue,
    private readonly limits: SourceLimits,
    private readonly logger: Logger,
  ) {
    this.images = db.getRepository(Image);
  }

  /**
   * Accepts an upload and returns the image (status `processing`) with the caller's quota after it.
   * Owns the spooled file from here: it is removed when this returns, accepted or not.
   */
  async upload(user: User, command: UploadCommand): Promise<{ image: Image; quota: QuotaStatus }> {
    try {
      return await this.accept(user, command);
    } finally {
      await command.file.discard();
    }
  }

  private async accept(user: User, { file, checksum, collectionId, slug }: UploadCommand): Promise<{ image: Image; quota: QuotaStatus }> {
    if (!/^[0-9a-f]{64}$/i.test(checksum.trim())) {
      throw new ValidationError('checksum must be the SHA-256 of the file as 64 hex characters', 'INVALID_CHECKSUM');
    }
    const collection = await this.collections.assertOwned(user.id, collectionId);
    if (slug !== null && !isValidSlug(slug)) {
      throw new ValidationError('slug must be lowercase letters and digits joined by single hyphens, at most 100 characters', 'INVALID_SLUG');
    }
    if (file.size === 0) throw new ValidationError('The file is empty', 'EMPTY_FILE');
    if (file.sha256 !== checksum.trim().toLowerCase()) {
      throw new ValidationError('checksum does not match the SHA-256 of the uploaded file', 'CHECKSUM_MISMATCH');
    }
    const format = sniffFormat(file.head);
    if (!format) throw new ValidationError('Unsupported file format: send a JPEG, PNG, WebP or GIF image', 'UNSUPPORTED_FORMAT');
    // The one read of the header: its geometry goes on the row, and processing plans from it.
    const info = await inspectSource(file.path, this.limits, format);
    await this.quota.assertAvailable(user);

    const id = newId('img');
    const key = originalKey(id);
    const filename = cleanFilename(file.filename);
    await this.store.putFile(key, file.path, { contentType: `image/${info.format}` });
    let image: Image;
    let quota: QuotaStatus;
    try {
      ({ image, quota } = await this.insertWithSlug(collection.id, slug, slugFromFilename(filename), async (tx, chosen) => {
        const quota = await this.quota.reserve(tx, user);
        const image = await this.lifecycle.create(tx, {
          id,
          userId: user.id,
          collectionId: collection.id,
          slug: chosen,
          checksum: file.sha256,
          sourceFormat: info.format,
          sourceBytes: file.size,
          originalFilename: filename,
          width: info.width,
          height: info.height,
          frames: info.pages,
        });
        await this.queue.enqueue(tx, { imageId: id });
        return { image, quota };
      }));
    } catch (err) {
      await this.store.delete([key]).catch((e: unknown) => this.logger.error({ err: e, key }, 'could not remove a rejected original'));
      throw err;
    }
    await this.lifecycle.announce(image);
    return { image, quota };
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

  /** The caller's images with their variants, newest first (the order of ImageLibrary's pages). */
  async list(userId: string, filter: ListFilter = {}): Promise<Image[]> {
    const qb = this.images.createQueryBuilder('i').where("i.user_id = :userId AND i.status <> 'deleted'", { userId });
    if (filter.collectionId) qb.andWhere('i.collection_id = :collectionId', { collectionId: filter.collectionId });
    if (filter.status) qb.andWhere('i.status = :status', { status: filter.status });
    qb.orderBy('i.created_at', 'DESC').addOrderBy('i.id', 'DESC');
    const images = await qb.getMany();
    // variants in one second query rather than a join (which would repeat each image row per size)
    const variants = images.length
      ? await this.db.getRepository(ImageVariant).createQueryBuilder('v').where('v.image_id = ANY(:ids)', { ids: images.map((i) => i.id) }).orderBy('v.size', 'ASC').getMany()
      : [];
    const byImage = Map.groupBy(variants, (v) => v.imageId);
    for (const image of images) image.variants = byImage.get(image.id) ?? [];
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

  /** Deletes an image and every stored object (quota is not given back); see ImageLifecycle.delete. */
  delete(userId: string, id: string): Promise<{ deferred: boolean; image: Image }> {
    return this.lifecycle.delete(userId, id);
  }

  /** Deletes a collection with all its images and their files (jobs still running clean up after themselves). */
  async deleteCollection(userId: string, collectionId: string): Promise<void> {
    await this.collections.get(userId, collectionId);
    const images = await this.images.find({ where: { userId, collectionId }, select: { id: true, slug: true, collectionId: true } });
    const keys = images.flatMap((i) => allObjectKeys(i));
    for (let i = 0; i < keys.length; i += 1000) await this.store.delete(keys.slice(i, i + 1000));
    await this.collections.delete(userId, collectionId);
  }
}
