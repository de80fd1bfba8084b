/**
 * Resumable uploads (tus, contract §8) on the domain side: the metadata checked when an upload is
 * created (so a client fails before sending 40 MB), ownership on every request, and the last byte
 * turning the upload into an image through ImagesService.upload — exactly the rules of
 * POST /api/v1/images. Whatever the outcome the tus bytes are removed then; a rejection also drops
 * the row, so nothing is left behind. Unfinished uploads expire; a periodic sweep removes them.
 */
import { LessThan, type DataSource, type Repository } from 'typeorm';
import type { Clock } from '../../clock.ts';
import { newId } from '../../db/ids.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { fileTooLarge, spoolUpload } from '../../storage/spool.ts';
import type { TusStorage } from '../../storage/tus-store.ts';
import type { Actor } from '../../auth/actor.ts';
import { assertCan } from '../teams/policy.ts';
import type { CollectionsService } from '../collections/collections.service.ts';
import type { Image } from '../images/image.entity.ts';
import type { ImagesService } from '../images/images.service.ts';
import { parseFocalPoint } from '../images/art-direction.ts';
import { isValidSlug } from '../images/slug.ts';
import type { QuotaService } from '../quota/quota.service.ts';
import { ResumableUpload } from './resumable-upload.entity.ts';
import { UploadLocker } from './upload-lock.ts';

export const UPLOAD_ID = /^upl_[0-9a-z]{20}$/;
const MAX_FILENAME_CHARS = 1000;

export interface UploadLimits {
  maxUploadBytes: number;
  expiryMs: number;
  /** Where a finished upload is spooled (and hashed) on its way to the intake. */
  scratchDir: string;
}

/** Upload-Metadata as tus decodes it: values are strings, or null for a key sent without one. */
export type UploadMetadata = Record<string, string | null | undefined>;

export class UploadsService {
  private readonly rows: Repository<ResumableUpload>;
  /** tus's lock on each upload, held across API nodes (on the upload's row). */
  readonly locker: UploadLocker;

  constructor(
    db: DataSource,
    readonly storage: TusStorage,
    private readonly images: ImagesService,
    private readonly collections: CollectionsService,
    private readonly quota: QuotaService,
    private readonly limits: UploadLimits,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.rows = db.getRepository(ResumableUpload);
    this.locker = new UploadLocker(db, (key) => storage.uploadIdOf(key));
  }

  newUploadId(): string {
    return newId('upl');
  }

  /** Checks what can be checked before any byte is sent, and records the upload. */
  async create(user: Actor, uploadId: string, size: number | undefined, metadata: UploadMetadata): Promise<ResumableUpload> {
    const value = (key: string) => (typeof metadata[key] === 'string' ? metadata[key].trim() : '');
    const [collection, checksum, filename, slug] = [value('collection'), value('checksum'), value('filename'), value('slug')];
    if (!collection || !checksum || !filename) {
      throw new ValidationError('Upload-Metadata needs filename, collection and checksum (slug, focalX and focalY are optional)', 'INVALID_UPLOAD_METADATA');
    }
    if (!/^[0-9a-f]{64}$/i.test(checksum)) throw new ValidationError('checksum must be the SHA-256 of the file as 64 hex characters', 'INVALID_CHECKSUM', 'checksum');
    if (slug && !isValidSlug(slug)) throw new ValidationError('slug must be lowercase letters and digits joined by single hyphens, at most 100 characters', 'INVALID_SLUG', 'slug');
    // contract §13: a focal point as at POST /images (both keys, or neither), checked before any byte
    const focal = value('focalX') || value('focalY') ? parseFocalPoint({ x: value('focalX'), y: value('focalY') }) : null;
    if (size === undefined) throw new ValidationError('Send Upload-Length when creating the upload (a deferred length is not supported)', 'TUS_PROTOCOL');
    if (size === 0) throw new ValidationError('The file is empty', 'EMPTY_FILE');
    if (size > this.limits.maxUploadBytes) throw fileTooLarge(this.limits.maxUploadBytes);
    await this.collections.assertOwned(user, collection);
    assertCan(user, 'images:upload', { collectionId: collection, bytes: size, slug: slug || null });
    await this.quota.assertAvailable(user);
    const row = this.rows.create({
      id: uploadId,
      userId: user.userId,
      collectionId: collection,
      filename: filename.slice(0, MAX_FILENAME_CHARS),
      checksum: checksum.toLowerCase(),
      slug: slug || null,
      focalX: focal?.x ?? null,
      focalY: focal?.y ?? null,
      size,
      expiresAt: new Date(this.clock.now().getTime() + this.limits.expiryMs),
      imageId: null,
    });
    await this.rows.insert(row);
    return row;
  }

  /** The caller's upload, or 404 (also for someone else's). */
  async get(actor: Actor, uploadId: string): Promise<ResumableUpload> {
    const row = UPLOAD_ID.test(uploadId) ? await this.rows.findOneBy({ id: uploadId, userId: actor.userId }) : null;
    if (!row) throw new NotFoundError('Upload not found', 'UPLOAD_NOT_FOUND');
    return row;
  }

  /** The last byte arrived: the upload becomes an image (or is rejected), and its tus bytes go either way. */
  async finish(user: Actor, uploadId: string): Promise<{ image: Image; quotaHeaders: Record<string, string> }> {
    const row = await this.get(user, uploadId);
    try {
      const file = await spoolUpload(await this.storage.read(uploadId), row.filename, this.limits.maxUploadBytes, this.limits.scratchDir);
      const { image, quota } = await this.images.upload(user, { file, checksum: row.checksum, collectionId: row.collectionId, slug: row.slug, focalPoint: row.focalX === null || row.focalY === null ? null : { x: row.focalX, y: row.focalY } });
      // kept until it expires, so HEAD can answer the image id
      await this.rows.update({ id: uploadId }, { imageId: image.id });
      return { image, quotaHeaders: this.quota.headers(quota) };
    } catch (err) {
      await this.rows.delete({ id: uploadId });
      throw err;
    } finally {
      await this.storage.remove(uploadId).catch((err: unknown) => this.logger.error({ err, uploadId }, 'could not remove the bytes of a finished upload'));
    }
  }

  /** Terminated by its owner (tus DELETE): the store removed the bytes. */
  async forget(uploadId: string): Promise<void> {
    await this.rows.delete({ id: uploadId });
  }

  /** Removes uploads past their expiry: the bytes of unfinished ones, then the rows. Returns how many. */
  async sweepExpired(): Promise<number> {
    const expired = await this.rows.find({ where: { expiresAt: LessThan(this.clock.now()) }, select: { id: true, imageId: true }, take: 500 });
    for (const row of expired) {
      if (!row.imageId) await this.storage.remove(row.id);
      await this.rows.delete({ id: row.id });
    }
    if (expired.length) this.logger.info({ uploads: expired.length }, 'removed expired resumable uploads');
    return expired.length;
  }

  /** Sweeps every `intervalMs` until the returned stop is called. */
  startSweeping(intervalMs: number): () => Promise<void> {
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = this.sweepExpired().catch((err: unknown) => this.logger.warn({ err }, 'could not sweep expired uploads'));
    }, intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await running;
    };
  }
}
