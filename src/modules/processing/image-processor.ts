/**
 * Runs one image job: original → worker-thread pipeline → variants in storage → atomic activation.
 * Idempotent: a job for an image that is already ready (or gone) does nothing; re-running writes
 * the same objects. Each step is recorded on the row and published on the status bus.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'pg-boss';
import type { DataSource } from 'typeorm';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import { ImageVariant } from '../images/image-variant.entity.ts';
import { Image } from '../images/image.entity.ts';
import { allObjectKeys, allStagingKeys, allVariantKeys, originalKey, stagingKey, variantKey } from '../images/variant-urls.ts';
import type { StatusBus } from '../status/status-bus.ts';
import { STEP_PROGRESS, type PipelineStep } from '../status/steps.ts';
import { PROCESS_RETRY_LIMIT, type ProcessImageJob } from './job-queue.ts';
import type { ProcessingPool } from './pool.ts';

export const VARIANT_CACHE_CONTROL = 'public, max-age=31536000, immutable';
const UPLOAD_CONCURRENCY = 6;

type Activation = 'activated' | 'missing' | Image['status'];

export class ImageProcessor {
  constructor(
    private readonly db: DataSource,
    private readonly store: ObjectStore,
    private readonly pool: ProcessingPool,
    private readonly bus: StatusBus,
    private readonly logger: Logger,
  ) {}

  async run(job: Job<ProcessImageJob>): Promise<void> {
    const image = await this.db.getRepository(Image).findOneBy({ id: job.data.imageId });
    if (!image) return; // its collection or account was deleted, objects with it
    if (image.status === 'deleted') return this.purge(image);
    if (image.status !== 'processing') return; // already finished by an earlier run
    const log = this.logger.child({ imageId: image.id, attempt: job.retryCount + 1 });
    const source = join(tmpdir(), `optimage-source-${randomUUID()}`);
    // Steps are recorded and published strictly in order, even when reported from callbacks.
    let steps = Promise.resolve();
    const report = (step: PipelineStep, progress?: number) => {
      steps = steps.then(() => this.step(image, step, progress)).catch((err: unknown) => log.warn({ err }, 'could not record a step'));
      return steps;
    };
    let outcome: Activation;
    try {
      await report('VALIDATE');
      await this.store.getFile(originalKey(image.id), source);
      const result = await this.pool.process(source, (step, progress) => void report(step, progress));
      await report('OPTIMIZE');

      // Stage each distinct output privately; nothing is public until activation.
      let done = 0;
      const total = result.outputs.length;
      await runLimited([...result.outputs.entries()], UPLOAD_CONCURRENCY, async ([i, output]) => {
        await this.store.put(stagingKey(image.id, i), output.bytes, { contentType: 'image/webp' });
        done++;
        if (done < total) void report('UPLOAD', STEP_PROGRESS.OPTIMIZE + Math.floor(((STEP_PROGRESS.UPLOAD - STEP_PROGRESS.OPTIMIZE) * done) / total));
      });
      await report('UPLOAD');

      // Publish: server-side copies to the public keys (identical sizes share one staged file),
      // then one row update flips the image to ready.
      const writes = result.outputs.flatMap((output, i) => output.sizes.map((size) => ({ size, output, staged: stagingKey(image.id, i) })));
      await runLimited(writes, UPLOAD_CONCURRENCY, ({ size, staged }) =>
        this.store.copy(staged, variantKey(image.collectionId, size, image.slug), { contentType: 'image/webp', cacheControl: VARIANT_CACHE_CONTROL }),
      );
      outcome = await this.db.transaction(async (tx) => {
        const [row] = (await tx.query('SELECT status FROM images WHERE id = $1 FOR UPDATE', [image.id])) as { status: Image['status'] }[];
        if (!row || row.status !== 'processing') return row ? row.status : 'missing';
        const rows = writes.map(({ size, output }) => ({ imageId: image.id, size, width: output.width, height: output.height, bytes: output.bytes.byteLength }));
        await tx.getRepository(ImageVariant).upsert(rows, ['imageId', 'size']);
        await tx.update(Image, { id: image.id }, { status: 'ready', step: 'ACTIVATE', progress: 100, width: result.width, height: result.height, frames: result.pages, readyAt: () => 'now()' });
        return 'activated';
      });
    } catch (err) {
      const permanent = err instanceof AppError;
      const lastAttempt = job.retryCount >= PROCESS_RETRY_LIMIT;
      log.warn({ err, permanent, lastAttempt }, 'image processing failed');
      await steps;
      if (!permanent && !lastAttempt) throw err; // pg-boss retries with backoff
      await this.fail(image, err instanceof Error ? err.message : String(err));
      return;
    } finally {
      await rm(source, { force: true });
    }
    await this.afterActivation(image, outcome, log);
  }

  /** Outside the job's try: a failed notification must not re-run a finished job. */
  private async afterActivation(image: Image, outcome: Activation, log: Logger): Promise<void> {
    const tidy = (keys: string[]) => this.store.delete(keys).catch((err: unknown) => log.warn({ err }, 'could not remove objects'));
    switch (outcome) {
      case 'activated':
        await tidy(allStagingKeys(image.id));
        await this.publish(image, 'ready', 'ACTIVATE', 100, null).catch((err: unknown) => log.error({ err }, 'could not publish ready'));
        log.info('image ready');
        return;
      case 'deleted': // deleted by its owner while we worked: this run removes everything
        return this.purge(image);
      case 'missing': // its collection was deleted meanwhile; ids are never reused, so the keys are ours
        await tidy([...allVariantKeys(image.collectionId, image.slug), ...allStagingKeys(image.id)]);
        return;
      default: // another run finished it first: same bytes, nothing to publish
        await tidy(allStagingKeys(image.id));
    }
  }

  /** A job that died for good (dead-letter queue): the image must not stay processing forever. */
  async abandon(imageId: string, reason: string): Promise<void> {
    const image = await this.db.getRepository(Image).findOneBy({ id: imageId });
    if (image?.status === 'processing') await this.fail(image, reason);
    else if (image?.status === 'deleted') await this.purge(image);
  }

  private async fail(image: Image, message: string): Promise<void> {
    const error = `Processing failed: ${message}`.slice(0, 1000);
    const res = await this.db
      .createQueryBuilder()
      .update(Image)
      .set({ status: 'failed', error })
      .where('id = :id AND status = :status', { id: image.id, status: 'processing' })
      .execute();
    if (!res.affected) {
      // another run made it ready meanwhile (leave its variants), or it was deleted (remove it all)
      const row = await this.db.getRepository(Image).findOneBy({ id: image.id });
      if (row?.status === 'deleted') await this.purge(row);
      return;
    }
    await this.store.delete([...allVariantKeys(image.collectionId, image.slug), ...allStagingKeys(image.id)]).catch((err: unknown) => this.logger.warn({ err, imageId: image.id }, 'could not remove variants of a failed image'));
    await this.publish(image, 'failed', image.step, image.progress, error);
  }

  /** Removes every object of an image its owner deleted mid-processing, then its row (freeing the slug). */
  private async purge(image: Image): Promise<void> {
    await this.store.delete(allObjectKeys(image));
    await this.db.getRepository(Image).delete({ id: image.id, status: 'deleted' });
  }

  /** Records the step on the row (for late subscribers) and publishes it. Progress never goes back. */
  private async step(image: Image, step: PipelineStep, progress = STEP_PROGRESS[step]): Promise<void> {
    if (progress < image.progress) return;
    image.step = step;
    image.progress = progress;
    await this.db
      .createQueryBuilder()
      .update(Image)
      .set({ step, progress })
      .where('id = :id AND status = :status AND progress <= :progress', { id: image.id, status: 'processing', progress })
      .execute();
    await this.publish(image, 'processing', step, progress, null);
  }

  private publish(image: Image, status: Image['status'], step: PipelineStep, progress: number, error: string | null): Promise<void> {
    return this.bus.publish({ imageId: image.id, userId: image.userId, collectionId: image.collectionId, status, step, progress, error, at: new Date().toISOString() });
  }
}

async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}
