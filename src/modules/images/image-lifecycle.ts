/**
 * The one owner of an image row's states. Every transition — created, step recorded, activated,
 * failed, retried, rerun, marked deleted, purged — is a guarded write here that publishes its status
 * event. Callers (intake, the processor, deletion, reprocessing) orchestrate; none of them writes
 * the images table itself.
 *
 *   processing ──step──▶ processing ──activate──▶ ready ──(in a reprocess run)──replace──▶ ready
 *        │                     └──────fail──────▶ failed ──retry (not the input's fault)──▶ processing
 *        └──markDeleted──▶ deleted ──purge (by its job)──▶ gone
 *   ready | failed ──remove──▶ gone   (a ready image in a run is marked deleted, like processing)
 *   ready ──enterRun / enterRepair──▶ ready in a run ──replace / endRerun──▶ ready
 */
import { In, IsNull, Not, type DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import { Collection } from '../collections/collection.entity.ts';
import { RETRYABLE_FAILURES, type FailureKind } from './failure.ts';
import { OUTPUT_FORMATS } from './formats.ts';
import { statusEvent, type ImageEventBus } from './image-events.ts';
import { ImageVariant } from './image-variant.entity.ts';
import { Image, type ImageStatus } from './image.entity.ts';
import { ReprocessRuns } from './reprocess-runs.ts';
import { STEP_PROGRESS, type PipelineStep } from './steps.ts';
import { ImageCrops } from './image-crops.ts';
import type { Claim, NewImage, Rendition } from './rendition.ts';
import { allNamedKeys, allObjectKeys, allStagingKeys, allVariantKeys } from './variant-urls.ts';

export type Activation = 'activated' | 'missing' | ImageStatus;

/**
 * Called inside the transaction that makes an image ready or failed, with the row as committed
 * (variants loaded): what it writes (webhook deliveries) commits or rolls back with the transition.
 */
export type SettledListener = (tx: EntityManager, image: Image, status: 'ready' | 'failed') => Promise<void>;

const ERROR_CHARS = 1000;

export class ImageLifecycle {
  private readonly runs = new ReprocessRuns();
  private readonly settledListeners: SettledListener[] = [];
  /** The focal point and the cover crops made around it (contract §13). */
  readonly crops: ImageCrops;

  constructor(
    private readonly db: DataSource,
    private readonly store: ObjectStore,
    private readonly bus: ImageEventBus,
    private readonly logger: Logger,
  ) {
    this.crops = new ImageCrops(db);
  }

  /** Registers a listener run inside every activate/fail transaction (webhooks, wired in app.ts). */
  onSettled(listener: SettledListener): void {
    this.settledListeners.push(listener);
  }

  /** Inside the transaction that settles the image: listeners (webhooks) enqueue their work with it. */
  private async notifySettled(tx: EntityManager, imageId: string, status: 'ready' | 'failed'): Promise<void> {
    if (!this.settledListeners.length) return;
    const image = await tx.findOneOrFail(Image, { where: { id: imageId }, relations: { variants: true }, order: { variants: { size: 'ASC' } } });
    for (const listener of this.settledListeners) await listener(tx, image, status);
  }

  /** created: inside the caller's transaction (with the quota and the job); announce() after commit. */
  async create(tx: EntityManager, fields: NewImage & Partial<Pick<Image, 'focalX' | 'focalY' | 'focalSource'>>): Promise<Image> {
    await tx.insert(Image, { ...fields, status: 'processing', step: 'VALIDATE', progress: 0, error: null, readyAt: null });
    return tx.findOneByOrFail(Image, { id: fields.id });
  }

  /** Tells collection watchers about a new (or retried, or rerun) image. */
  async announce(image: Image): Promise<void> {
    await this.publish(image).catch((err: unknown) => this.logger.warn({ err, imageId: image.id }, 'could not announce an image'));
  }

  /**
   * The image a job should work on, or null when there is none (a deleted one is purged here). A
   * job of a reprocess run works on its image only while the image is ready and still in that run.
   */
  async claimForProcessing(imageId: string, runId: string | null = null): Promise<Claim | null> {
    const image = await this.db.getRepository(Image).findOneBy({ id: imageId });
    if (image?.status === 'deleted') await this.purge(image);
    const wanted = runId ? image?.status === 'ready' && image.reprocessRunId === runId : image?.status === 'processing';
    if (!image || !wanted) return null;
    const collection = await this.db.getRepository(Collection).findOneBy({ id: image.collectionId });
    return collection && { image, formats: collection.formats, quality: collection.quality, runId, art: collection };
  }

  /** step recorded: on the row (for late subscribers) and published. Progress never goes back. */
  async recordStep(image: Image, step: PipelineStep, progress: number = STEP_PROGRESS[step]): Promise<void> {
    if (progress < image.progress || image.status !== 'processing') return;
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
      const status = (await lockRow(tx, image.id))?.status ?? 'missing';
      if (status !== 'processing') return status;
      await this.writeRendition(tx, image.id, rendition, { status: 'ready', step: 'ACTIVATE', progress: 100, readyAt: () => 'now()' });
      await this.notifySettled(tx, image.id, 'ready');
      return 'activated';
    });
    return this.settled(image, outcome);
  }

  /** Ready images of the collection join a reprocess run (inside the caller's transaction, with their jobs). */
  async enterRun(tx: EntityManager, collectionId: string, runId: string): Promise<string[]> {
    const [rows] = (await tx.query(`UPDATE images SET reprocess_run_id = $2 WHERE collection_id = $1 AND status = 'ready' AND reprocess_run_id IS NULL RETURNING id`, [collectionId, runId])) as [{ id: string }[], number];
    return rows.map((r) => r.id);
  }

  /** A ready image not in a run joins a run of its own (a repair, see ReprocessService.repair), inside the caller's transaction. */
  async enterRepair(tx: EntityManager, imageId: string, runId: string): Promise<boolean> {
    const res = await tx.update(Image, { id: imageId, status: 'ready', reprocessRunId: IsNull() }, { reprocessRunId: runId });
    return (res.affected ?? 0) > 0;
  }

  /**
   * A ready image's new rendition (reprocess): its files are already published over the old ones,
   * so the rows follow in one transaction and the formats it no longer has are removed only now,
   * after the rest is in place. The run counts the image off in the same transaction.
   */
  async replaceRendition(image: Image, runId: string, rendition: Rendition): Promise<Activation> {
    const outcome = await this.db.transaction(async (tx): Promise<Activation> => {
      const row = await lockRow(tx, image.id);
      if (row?.status !== 'ready' || row.reprocess_run_id !== runId) return row ? row.status : 'missing';
      await tx.delete(ImageVariant, { imageId: image.id });
      await this.writeRendition(tx, image.id, rendition, { reprocessRunId: null });
      await this.runs.settle(tx, runId, 'done');
      return 'activated';
    });
    if (outcome === 'activated') {
      const kept = new Set(rendition.variants.map((v) => v.format));
      await this.tidy(allVariantKeys(image.collectionId, image.slug, OUTPUT_FORMATS.filter((f) => !kept.has(f))));
      // named files of boxes (or formats) the collection no longer has
      const made = new Set((rendition.named ?? []).map((f) => `${f.name}.${f.format}`));
      const gone = (image.namedVariants ?? []).filter((f) => rendition.named && !made.has(`${f.name}.${f.format}`));
      await this.tidy(gone.flatMap((f) => allNamedKeys(image.collectionId, f.name, image.slug, f.format)));
    }
    return this.settled(image, outcome);
  }

  /** A rerun that failed for good: the image stays ready as it was, the run counts it as failed. */
  async endRerun(imageId: string, runId: string, message: string): Promise<void> {
    const image = await this.db.transaction(async (tx) => {
      const res = await tx.update(Image, { id: imageId, reprocessRunId: runId }, { reprocessRunId: null });
      if (res.affected) await this.runs.settle(tx, runId, 'failed');
      return res.affected ? tx.findOne(Image, { where: { id: imageId }, relations: { variants: true } }) : null;
    });
    if (!image) return;
    this.logger.warn({ imageId, runId, error: message }, 'reprocessing an image failed; it keeps its previous files');
    if (image.status === 'deleted') return this.purge(image);
    // files of a format this rerun was adding, published before it failed and listed nowhere
    const listed = new Set((image.variants ?? []).map((v) => v.format));
    await this.tidy(allVariantKeys(image.collectionId, image.slug, OUTPUT_FORMATS.filter((f) => !listed.has(f))));
    await this.announce(image); // run watchers count it
  }

  /**
   * A publication that failed part-way is taken back before its job retries or fails, so no URL
   * of an image still processing answers (on S3 they would be public, and cached for a year). The
   * row stays locked for that one batched delete: a concurrent run that already made the image
   * ready keeps its files, and none can activate in between.
   */
  async withdrawPublication(image: Pick<Image, 'id' | 'collectionId' | 'slug'>): Promise<void> {
    await this.db.transaction(async (tx) => {
      if ((await lockRow(tx, image.id))?.status === 'processing') await this.store.delete(allVariantKeys(image.collectionId, image.slug));
    });
  }

  /** failed: a processing image gets its error and why, and loses any variant already stored. */
  async fail(imageId: string, message: string, kind: FailureKind): Promise<void> {
    const error = `Processing failed: ${message}`.slice(0, ERROR_CHARS);
    const { res, row } = await this.db.transaction(async (tx) => {
      const res = await tx.getRepository(Image).update({ id: imageId, status: 'processing' }, { status: 'failed', error, failureKind: kind });
      if (res.affected) await this.notifySettled(tx, imageId, 'failed');
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
   * retried: a failed image whose failure was not the input's fault goes back to processing, inside
   * the caller's transaction (which enqueues its job). Null when the image is not such an image.
   */
  async retry(tx: EntityManager, teamId: string, id: string): Promise<Image | null> {
    const res = await tx.update(Image, { id, teamId, status: 'failed', failureKind: In([...RETRYABLE_FAILURES]) }, { status: 'processing', step: 'VALIDATE', progress: 0, error: null, failureKind: null });
    return res.affected ? tx.findOneByOrFail(Image, { id }) : null;
  }

  /**
   * Deletion by its owner. A ready or failed image goes at once, objects first (a failed storage
   * call leaves the row for a retry). One a job still works on (processing, or ready in a reprocess
   * run) is only marked `deleted` — hidden, its slug still held — and its job purges it, so a
   * running job never writes into a slug that a new upload has taken meanwhile.
   */
  async delete(teamId: string, id: string): Promise<{ deferred: boolean; image: Image }> {
    const image = await this.db.transaction(async (tx) => {
      const row = await tx.findOne(Image, { where: { id, teamId, status: Not('deleted') }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('Image not found', 'IMAGE_NOT_FOUND');
      if (hasJob(row)) await tx.update(Image, { id }, { status: 'deleted', error: 'Image deleted' });
      return row;
    });
    if (hasJob(image)) {
      // live watchers get their final event now; the job removes the rest
      await this.publish({ ...image, status: 'deleted', error: 'Image deleted' });
      return { deferred: true, image };
    }
    await this.store.delete(allObjectKeys(image));
    await this.db.getRepository(Image).delete({ id, teamId });
    return { deferred: false, image };
  }

  /** purged: every object of an image deleted while a job had it, then its row (freeing the slug). */
  async purge(image: Image): Promise<void> {
    await this.store.delete(allObjectKeys(image));
    const settledRun = await this.db.transaction(async (tx) => {
      const [rows] = (await tx.query(`DELETE FROM images WHERE id = $1 AND status = 'deleted' RETURNING reprocess_run_id`, [image.id])) as [{ reprocess_run_id: string | null }[], number];
      const runId = rows[0]?.reprocess_run_id;
      if (runId) await this.runs.settle(tx, runId, 'done'); // nothing left to reprocess: its part is done
      return runId;
    });
    if (settledRun) await this.announce({ ...image, status: 'deleted', error: 'Image deleted' }); // run watchers count it
  }

  private async writeRendition(tx: EntityManager, imageId: string, rendition: Rendition, fields: Parameters<EntityManager['update']>[2]): Promise<void> {
    await tx.getRepository(ImageVariant).upsert(rendition.variants.map((v) => ({ ...v, imageId })), ['imageId', 'size', 'format']);
    const { width, height, pages: frames, placeholder, named, focal, quality = null } = rendition;
    await tx.update(Image, { id: imageId }, { ...(fields as object), width, height, frames, placeholder, quality, ...(named ? { namedVariants: named } : {}) });
    // a found (salient) point is recorded, but never over one its owner gave meanwhile
    if (focal?.source === 'auto') {
      await tx.createQueryBuilder().update(Image).set({ focalX: focal.x, focalY: focal.y, focalSource: 'auto' }).where("id = :id AND (focal_source IS NULL OR focal_source = 'auto')", { id: imageId }).execute();
    }
    await this.crops.afterRendition(tx, imageId, named, focal);
  }

  /** After the transaction: publish ready, or settle what the row became instead. */
  private async settled(image: Image, outcome: Activation): Promise<Activation> {
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

  private tidy(keys: string[]): Promise<void> {
    if (!keys.length) return Promise.resolve();
    return this.store.delete(keys).catch((err: unknown) => this.logger.warn({ err }, 'could not remove objects'));
  }

  private publish(image: Parameters<typeof statusEvent>[0]): Promise<void> {
    return this.bus.publish(statusEvent(image, new Date()));
  }
}

/** Whether a job is working on the image (so deletion is left to it). */
const hasJob = (image: Image) => image.status === 'processing' || (image.status === 'ready' && image.reprocessRunId !== null);

async function lockRow(tx: EntityManager, id: string): Promise<{ status: ImageStatus; reprocess_run_id: string | null } | undefined> {
  const [row] = (await tx.query('SELECT status, reprocess_run_id FROM images WHERE id = $1 FOR UPDATE', [id])) as { status: ImageStatus; reprocess_run_id: string | null }[];
  return row;
}
