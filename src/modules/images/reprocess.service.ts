/**
 * Reprocessing a collection: every ready image regenerated from its kept original with the
 * collection's current settings (e.g. after turning AVIF on), as background jobs. The images stay
 * ready and their URLs answer throughout (ImageProcessor publishes over the old files, the
 * lifecycle swaps the rows). One run per collection at a time: a second request gets 409.
 */
import type { DataSource } from 'typeorm';
import { newId } from '../../db/ids.ts';
import { ConflictError } from '../../errors.ts';
import { EventQueue } from '../../events/event-queue.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Actor } from '../../auth/actor.ts';
import { assertCan } from '../teams/policy.ts';
import type { CollectionsService } from '../collections/collections.service.ts';
import type { ImageEventBus } from './image-events.ts';
import type { ImageLifecycle } from './image-lifecycle.ts';
import { ReprocessRun } from './reprocess-run.entity.ts';

const PG_UNIQUE_VIOLATION = '23505';

export class ReprocessService {
  constructor(
    private readonly db: DataSource,
    private readonly lifecycle: ImageLifecycle,
    private readonly collections: CollectionsService,
    private readonly queue: JobQueue,
    private readonly bus: ImageEventBus,
  ) {}

  /** Starts a run over the collection's ready images: the run row, the images' marks and their jobs in one transaction. */
  async start(actor: Actor, collectionId: string): Promise<ReprocessRun> {
    await this.collections.get(actor, collectionId);
    assertCan(actor, 'images:write', { collectionId });
    const userId = actor.userId;
    try {
      return await this.db.transaction(async (tx) => {
        const id = newId('job');
        // inserted first: the partial unique index makes a concurrent second run wait here, then fail
        await tx.insert(ReprocessRun, { id, collectionId, userId, total: 0, finishedAt: null });
        const imageIds = await this.lifecycle.enterRun(tx, collectionId, id);
        await tx.update(ReprocessRun, { id }, { total: imageIds.length, ...(imageIds.length ? {} : { finishedAt: () => 'now()' }) });
        await this.queue.enqueueMany(tx, imageIds.map((imageId) => ({ imageId, runId: id })));
        return tx.findOneByOrFail(ReprocessRun, { id });
      });
    } catch (err) {
      const pgErr = err as { driverError?: { code?: string; constraint?: string } };
      if (pgErr.driverError?.code === PG_UNIQUE_VIOLATION && pgErr.driverError.constraint === 'reprocess_runs_one_running_key') {
        throw new ConflictError('This collection is already being reprocessed; wait for that run to finish', 'REPROCESS_RUNNING');
      }
      throw err;
    }
  }

  /**
   * Renders one ready image again from its original (the doctor's repair of a missing variant file),
   * the way a run does — published over its files, so it stays ready throughout — but as a run of its
   * own with no run row: it counts in no collection run and blocks none. False when the image is not
   * ready or already in a run.
   */
  async repair(imageId: string): Promise<boolean> {
    const runId = newId('job');
    return this.db.transaction(async (tx) => {
      if (!(await this.lifecycle.enterRepair(tx, imageId, runId))) return false;
      await this.queue.enqueue(tx, { imageId, runId });
      return true;
    });
  }

  /** The collection's latest run, or null when it was never reprocessed (404 for anyone else's collection). */
  async latest(actor: Actor, collectionId: string): Promise<ReprocessRun | null> {
    await this.collections.get(actor, collectionId);
    return this.db.getRepository(ReprocessRun).findOne({ where: { collectionId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /**
   * The latest run's progress: its state now, then again each time one of its images is settled
   * (every settlement publishes that image's status event), ending once the run has finished.
   */
  async watch(actor: Actor, collectionId: string): Promise<AsyncIterableIterator<ReprocessRun>> {
    const queue = new EventQueue<ReprocessRun>(() => unsubscribe());
    let last = '';
    let reading = Promise.resolve();
    const offer = () => {
      reading = reading.then(async () => {
        const run = await this.db.getRepository(ReprocessRun).findOne({ where: { collectionId }, order: { createdAt: 'DESC', id: 'DESC' } });
        const key = run ? `${run.id}:${run.done}:${run.failed}:${run.finishedAt?.toISOString()}` : '';
        if (!run || key === last) return;
        last = key;
        queue.push(run);
        if (run.finishedAt) queue.end();
      }).catch(() => void queue.return()); // a failed read ends the watch; the client may subscribe again
    };
    const unsubscribe = this.bus.subscribe((e) => e.collectionId === collectionId && offer());
    await this.collections.get(actor, collectionId).catch((err: unknown) => {
      void queue.return();
      throw err;
    });
    offer();
    await reading;
    return queue;
  }
}
