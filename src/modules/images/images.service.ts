/**
 * Images: intake (validate, store the original, reserve quota + insert the row + enqueue the job in
 * one short transaction), listing, and deletion. Rejected uploads leave nothing behind. Row states
 * change only through ImageLifecycle.
 */
import { parseFocalPoint } from './art-direction.ts';
import { ACCEPTED_FORMATS_TEXT } from './formats.ts';
import { Not, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { newId } from '../../db/ids.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import { RefusedUpload, type SpooledFile, type UploadValue } from '../../storage/spool.ts';
import type { Actor } from '../../auth/actor.ts';
import type { CollectionsService } from '../collections/collections.service.ts';
import type { QuotaService, QuotaStatus } from '../quota/quota.service.ts';
import { assertCan } from '../teams/policy.ts';
import { RETRYABLE_FAILURES } from './failure.ts';
import { cleanFilename } from './filename.ts';
import type { ImageLifecycle } from './image-lifecycle.ts';
import { Image } from './image.entity.ts';
import { inspectSource, sniffFormat, type SourceLimits } from './sniff.ts';
import { isValidSlug, nextFreeSlug, slugFromFilename } from './slug.ts';
import { allObjectKeys, originalKey } from './variant-urls.ts';

/** An upload as the HTTP edge hands it over: the file spooled and hashed (or refused on arrival), the fields as sent. */
export interface UploadCommand {
  file: UploadValue;
  checksum: string;
  collectionId: string;
  /** null: made from the file name. */
  slug: string | null;
  /** The focal point given with the upload as sent ({x, y}, 0–1; contract §13); absent: the salient point is found. */
  focalPoint?: unknown;
  /** Stores the checked file as the original at `key` when its bytes are in the store already (a direct upload moves them); default: uploads the spooled file. */
  placeOriginal?: (key: string, contentType: string) => Promise<void>;
}

/** The outcome of an upload: `created` false when the same bytes were already an image here (contract §7). */
export interface UploadResult {
  image: Image;
  quota: QuotaStatus;
  created: boolean;
}

/** Thrown inside the insert transaction to roll it back when a concurrent twin got there first. */
class DuplicateUpload {
  constructor(readonly image: Image) {}
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
    /** Told each upload's result: `accepted`, or the code it was refused with (metrics). */
    private readonly onResult: (result: string) => void = () => {},
  ) {
    this.images = db.getRepository(Image);
  }

  /**
   * Accepts an upload and returns the image (status `processing`) with the caller's quota after it.
   * Owns the spooled file from here: it is removed when this returns, accepted or not.
   */
  async upload(user: Actor, command: UploadCommand): Promise<UploadResult> {
    const { file } = command;
    try {
      if (file instanceof RefusedUpload) throw file.error; // e.g. too large: refused while it arrived
      const accepted = await this.accept(user, { ...command, file });
      this.onResult('accepted');
      return accepted;
    } catch (err) {
      this.onResult(err instanceof AppError ? err.code : 'error');
      throw err;
    } finally {
      if (!(file instanceof RefusedUpload)) await file.discard();
    }
  }

  private async accept(user: Actor, { file, checksum, collectionId, slug, focalPoint: focalSent, placeOriginal }: UploadCommand & { file: SpooledFile }): Promise<UploadResult> {
    const focalPoint = focalSent == null ? null : parseFocalPoint(focalSent);
    if (!/^[0-9a-f]{64}$/i.test(checksum.trim())) {
      throw new ValidationError('checksum must be the SHA-256 of the file as 64 hex characters', 'INVALID_CHECKSUM');
    }
    const collection = await this.collections.assertOwned(user, collectionId);
    slug ??= user.upload?.slug ?? null; // an upload token may fix the slug
    assertCan(user, 'images:upload', { collectionId, bytes: file.size, slug });
    if (slug !== null && !isValidSlug(slug)) {
      throw new ValidationError('slug must be lowercase letters and digits joined by single hyphens, at most 100 characters', 'INVALID_SLUG');
    }
    if (file.size === 0) throw new ValidationError('The file is empty', 'EMPTY_FILE');
    if (file.sha256 !== checksum.trim().toLowerCase()) {
      throw new ValidationError('checksum does not match the SHA-256 of the uploaded file', 'CHECKSUM_MISMATCH');
    }
    // The same bytes again (a retried request, a re-run sync): the image they already are, for free.
    const twin = await this.findTwin(this.db.manager, collection.id, file.sha256, slug);
    if (twin) return this.existing(user, twin);
    const format = sniffFormat(file.head);
    if (!format) throw new ValidationError(`Unsupported file format: send a ${ACCEPTED_FORMATS_TEXT} image`, 'UNSUPPORTED_FORMAT');
    // The one read of the header: its geometry goes on the row, and processing plans from it.
    const info = await inspectSource(file.path, this.limits, format);
    await this.quota.assertAvailable(user);

    const id = newId('img');
    const key = originalKey(id);
    const filename = cleanFilename(file.filename);
    await (placeOriginal ?? ((k, contentType) => this.store.putFile(k, file.path, { contentType })))(key, `image/${info.format}`);
    let image: Image;
    let quota: QuotaStatus;
    try {
      ({ image, quota } = await this.insertWithSlug(collection.id, slug, slugFromFilename(filename), async (tx, chosen) => {
        // Concurrent identical uploads queue here, one at a time per (collection, bytes): the first
        // inserts, each later one finds its twin and leaves without quota, row or job.
        await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`upload:${collection.id}:${file.sha256}`]);
        const twin = await this.findTwin(tx, collection.id, file.sha256, slug);
        if (twin) throw new DuplicateUpload(twin);
        const quota = await this.quota.reserve(tx, user, id);
        const image = await this.lifecycle.create(tx, {
          id,
          userId: user.userId,
          teamId: collection.teamId,
          collectionId: collection.id,
          slug: chosen,
          checksum: file.sha256,
          sourceFormat: info.format,
          sourceBytes: file.size,
          originalFilename: filename,
          width: info.width,
          height: info.height,
          frames: info.pages,
          ...(focalPoint ? { focalX: focalPoint.x, focalY: focalPoint.y, focalSource: 'given' as const } : {}),
        });
        await this.queue.enqueue(tx, { imageId: id });
        return { image, quota };
      }));
    } catch (err) {
      await this.store.delete([key]).catch((e: unknown) => this.logger.error({ err: e, key }, 'could not remove a rejected original'));
      if (err instanceof DuplicateUpload) return this.existing(user, err.image);
      throw err;
    }
    await this.lifecycle.announce(image);
    return { image, quota, created: true };
  }

  /** A live image of the collection with these bytes that this upload would be: any, or the one with the slug asked for. */
  private findTwin(tx: EntityManager, collectionId: string, checksum: string, slug: string | null): Promise<Image | null> {
    return tx.findOne(Image, { where: { collectionId, checksum, status: Not('deleted'), ...(slug ? { slug } : {}) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  private async existing(user: Actor, twin: Image): Promise<UploadResult> {
    return { image: await this.get(user, twin.id), quota: await this.quota.status(user), created: false };
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

  /** The caller's team's image or 404 (also for other teams' images). */
  async get(actor: Actor, id: string): Promise<Image> {
    const image = await this.images.findOne({ where: { id, teamId: actor.teamId, status: Not('deleted') }, relations: { variants: true }, order: { variants: { size: 'ASC', format: 'DESC' } } });
    if (!image) throw new NotFoundError('Image not found', 'IMAGE_NOT_FOUND');
    assertCan(actor, 'images:read', { collectionId: image.collectionId, imageId: id });
    return image;
  }

  /**
   * Sets the image's focal point (contract §13). A ready image with cover crops gets a job that makes
   * them again around it (their URLs keep answering meanwhile); others use it when they are processed.
   */
  async setFocalPoint(actor: Actor, id: string, value: unknown): Promise<Image> {
    const focal = parseFocalPoint(value);
    const image = await this.get(actor, id);
    assertCan(actor, 'images:write', { collectionId: image.collectionId, imageId: id });
    await this.db.transaction(async (tx) => {
      if (await this.lifecycle.crops.setFocal(tx, image, focal)) await this.queue.enqueue(tx, { imageId: id, recrop: true });
    });
    return image;
  }

  /** Whether a variant may be served: the CDN route answers only for ready images. */
  async isServable(collectionId: string, slug: string): Promise<boolean> {
    return this.images.exists({ where: { collectionId, slug, status: 'ready' } });
  }

  /** Deletes an image and every stored object (quota is not given back); see ImageLifecycle.delete. */
  async delete(actor: Actor, id: string): Promise<{ deferred: boolean; image: Image }> {
    const image = await this.get(actor, id);
    assertCan(actor, 'images:write', { collectionId: image.collectionId });
    return this.lifecycle.delete(actor.teamId, id);
  }

  /** Deletes a collection with all its images and their files (jobs still running clean up after themselves). */
  async deleteCollection(actor: Actor, collectionId: string): Promise<void> {
    await this.collections.get(actor, collectionId);
    assertCan(actor, 'collections:write', { collectionId });
    const images = await this.images.find({ where: { teamId: actor.teamId, collectionId }, select: { id: true, slug: true, collectionId: true, namedVariants: true } });
    const keys = images.flatMap((i) => allObjectKeys(i));
    for (let i = 0; i < keys.length; i += 1000) await this.store.delete(keys.slice(i, i + 1000));
    await this.collections.delete(actor, collectionId);
  }

  /**
   * A new job for an image still processing whose job was lost (the doctor found none live); the row
   * is locked meanwhile so it cannot settle in between. False when it is no longer processing.
   */
  async requeue(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const row = await tx.findOne(Image, { where: { id, status: 'processing' }, lock: { mode: 'pessimistic_write' } });
      if (row) await this.queue.enqueue(tx, { imageId: id });
      return row !== null;
    });
  }

  /**
   * Sends a failed image back to processing with a new job, when its failure was not the input's
   * fault (a timeout, a storage error, a worker that died) and its original is still kept.
   */
  async retry(actor: Actor, id: string): Promise<Image> {
    const image = await this.get(actor, id);
    assertCan(actor, 'images:write', { collectionId: image.collectionId });
    const refuse = (why: string) => new ConflictError(`This image cannot be retried: ${why}`, 'NOT_RETRYABLE');
    if (image.status !== 'failed') throw refuse(`it is ${image.status}, not failed`);
    if (!image.failureKind || !RETRYABLE_FAILURES.includes(image.failureKind)) throw refuse('the file itself could not be processed; upload a fixed one');
    if (!(await this.store.head(originalKey(id)))) throw refuse('its original is no longer stored; upload it again');
    const retried = await this.db.transaction(async (tx) => {
      const row = await this.lifecycle.retry(tx, actor.teamId, id);
      if (!row) throw refuse('it changed meanwhile');
      await this.queue.enqueue(tx, { imageId: id });
      return row;
    });
    await this.lifecycle.announce(retried);
    return retried;
  }
}
