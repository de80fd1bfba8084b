/**
 * The one owner of an image row's states. Every transition — created, step recorded, activated,
 * failed, marked deleted, purged — is a guarded write here that publishes its status event. Callers
 * (intake, the processor, deletion) orchestrate; none of them writes the images table itself.
 *
 *   processing ──step──▶ processing ──activate──▶ ready
 *        │                     └──────fail──────▶ failed
 *        └──markDeleted──▶ deleted ──purge (by its job)──▶ gone
 *   ready | failed ──remove──▶ gone
 */
import { Not, type DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import { statusEvent, type ImageEventBus } from './image-events.ts';
import { ImageVariant } from './image-variant.entity.ts';
import { Image, type ImageStatus } from './image.entity.ts';
import { STEP_PROGRESS, type PipelineStep } from './steps.ts';
import { allObjectKeys, allStagingKeys, allVariantKeys } from './variant-urls.ts';

export type NewImage = Pick<Image, 'id' | 'userId' | 'collectionId' | 'slug' | 'checksum' | 'sourceFormat' | 'sourceBytes' | 'originalFilename' | 'width' | 'height' | 'frames'>;

/** What a finished pipeline run hands over: the measured geometry and one row per published size. */
export interface Rendition {
  width: number;
  height: number;
  pages: number;
  variants: Pick<ImageVariant, 'size' | 'width' | 'height' | 'bytes'>[];
}

/** How an activation ended: this run made it ready, or the row had moved on without it. */
export type Activation = 'activated' | 'missing' | ImageStatus;

/**
 * Called inside the transaction that makes an image ready or failed, with the row as committed
 * (variants loaded): what it writes (webhook deliveries) commits or rolls back with the transition.
 */
export type SettledListener = (tx: EntityManager, image: Image, status: 'ready' | 'failed') => Promise<void>;

const ERROR_CHARS = 1000;

export class ImageLifecycle {
  private readonly settledListeners: SettledListener[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly store: ObjectStore,
    private readonly bus: ImageEventBus,
    private readonly logger: Logger,
  ) {}

  /** Registers a listener run inside every activate/fail transaction (webhooks, wired in app.ts). */
  onSettled(listener: SettledListener): void {
    this.settledListeners.push(listener);
  }

  private async settled(tx: EntityManager, imageId: string, status: 'ready' | 'failed'): Promise<void> {
    if (!this.settledListeners.length) return;
    const image = await tx.findOneOrFail(Image, { where: { id: imageId }, relations: { variants: true }, order: { variants: { size: 'ASC' } } });
    for (const listener of this.settledListeners) await listener(tx, image, status);
  }

  /** created: inside the caller's transaction (with the quota and the job); announce() after commit. */
  async create(tx: EntityManager, fields: NewImage): Promise<Image> {
    await tx.insert(Image, { ...fields, status: 'processing', step: 'VALIDATE', progress: 0, error: null, readyAt: null });
    return tx.findOneByOrFail(Image, { id: fields.id });
  }

  /** Tells collection watchers about a new image (its job may already be running). */
  async announce(image: Image): Promise<void> {
    await this.publish(image).catch((err: unknown) => this.logger.warn({ err, imageId: image.id }, 'could not announce an image'));
  }

  /** The image a job should work on, or null when there is none (a deleted one is purged here). */
  async claimForProcessing(imageId: string): Promise<Image | null> {
    const image = await this.db.getRepository(Image).findOneBy({ id: imageId });
    if (image?.status === 'deleted') await this.purge(image);
    return image?.status === 'processing' ? image : null;
  }

  /** step recorded: on the row (for late subscribers) and published. Progress never goes back. */
  async recordStep(image: Image, step: PipelineStep, progress: number = STEP_PROGRESS[step]): Promise<void> {
    if (progress < image.progress) return;
    const res = await this.db
      .createQueryBuilder()
      .update(Image)
      .set({ step, progress })
      .where('id = :id AND status = :status AND progress <= :progress', { id: image.id, status: 'processing', progress })
      .execute();
    if (!res.affected) return; // finished, failed or deleted meanwhile: its watchers have their last event
    Object.assign(image, { step, progress });
    await this.publish(image);
  }

  /**
   * activated: the variants' rows and `ready` in one transaction, if the image is still processing.
   * Whatever the row became instead is settled here too (a deleted image is purged).
   */
  async activate(image: Image, rendition: Rendition): Promise<Activation> {
    const outcome = await this.db.transaction(async (tx): Promise<Activation> => {
      const [row] = (await tx.query('SELECT status FROM images WHERE id = $1 FOR UPDATE', [image.id])) as { status: ImageStatus }[];
      if (!row || row.status !== 'processing') return row ? row.status : 'missing';
      await tx.getRepository(ImageVariant).upsert(rendition.variants.map((v) => ({ ...v, imageId: image.id })), ['imageId', 'size']);
      const { width, height, pages: frames } = rendition;
      await tx.update(Image, { id: image.id }, { status: 'ready', step: 'ACTIVATE', progress: 100, width, height, frames, readyAt: () => 'now()' });
      await this.settled(tx, image.id, 'ready');
      return 'activated';
    });
    if (outcome === 'activated') {
      Object.assign(image, { status: 'ready', step: 'ACTIVATE', progress: 100 });
      // after the commit: a failed notification must not undo (or re-run) a finished job
      await this.publish(image).catch((err: unknown) => this.logger.error({ err, imageId: image.id }, 'could not publish ready'));
    } else if (outcome === 'deleted') await this.purge(image);
    else if (outcome === 'missing') {
      // its collection was deleted meanwhile; ids are never reused, so these keys are this run's
      await this.tidy([...allVariantKeys(image.collectionId, image.slug), ...allStagingKeys(image.id)]);
    }
    return outcome;
  }

  /**
   * A publication that failed part-way is taken back before its job retries or fails, so no URL
   * of an image still processing answers (on S3 they would be public, and cached for a year). The
   * row stays locked for that one batched delete: a concurrent run that already made the image
   * ready keeps its files, and none can activate in between.
   */
  async withdrawPublication(image: Pick<Image, 'id' | 'collectionId' | 'slug'>): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = (await tx.query('SELECT status FROM images WHERE id = $1 FOR UPDATE', [image.id])) as { status: ImageStatus }[];
      if (row?.status === 'processing') await this.store.delete(allVariantKeys(image.collectionId, image.slug));
    });
  }

  /** failed: a processing image gets its error and loses any variant already stored. */
  async fail(imageId: string, message: string): Promise<void> {
    const error = `Processing failed: ${message}`.slice(0, ERROR_CHARS);
    const { res, row } = await this.db.transaction(async (tx) => {
      const res = await tx
        .createQueryBuilder()
        .update(Image)
        .set({ status: 'failed', error })
        .where('id = :id AND status = :status', { id: imageId, status: 'processing' })
        .execute();
      if (res.affected) await this.settled(tx, imageId, 'failed');
      return { res, row: await tx.findOneBy(Image, { id: imageId }) };
    });
    if (!res.affected) {
      // made ready by another run meanwhile (leave its variants), or deleted (remove it all)
      if (row?.status === 'deleted') await this.purge(row);
      return;
    }
    if (!row) return; // its collection went meanwhile, objects with it
    await this.tidy([...allVariantKeys(row.collectionId, row.slug), ...allStagingKeys(row.id)]);
    await this.publish(row);
  }

  /**
   * Deletion by its owner. A ready or failed image goes at once, objects first (a failed storage
   * call leaves the row for a retry). One still processing is only marked `deleted` — hidden, its
   * slug still held — and its job purges it, so a running job never writes into a slug that a new
   * upload has taken meanwhile.
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
      await this.publish({ ...image, status: 'deleted', error: 'Image deleted' });
      return { deferred: true, image };
    }
    await this.store.delete(allObjectKeys(image));
    await this.db.getRepository(Image).delete({ id, userId });
    return { deferred: false, image };
  }

  /** purged: every object of an image deleted mid-processing, then its row (freeing the slug). */
  async purge(image: Pick<Image, 'id' | 'collectionId' | 'slug'>): Promise<void> {
    await this.store.delete(allObjectKeys(image));
    await this.db.getRepository(Image).delete({ id: image.id, status: 'deleted' });
  }

  private tidy(keys: string[]): Promise<void> {
    return this.store.delete(keys).catch((err: unknown) => this.logger.warn({ err }, 'could not remove objects'));
  }

  private publish(image: Parameters<typeof statusEvent>[0]): Promise<void> {
    return this.bus.publish(statusEvent(image, new Date()));
  }
}
