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
import { allVariantKeys, originalKey, variantKey } from '../images/variant-urls.ts';
import type { StatusBus } from '../status/status-bus.ts';
import { STEP_PROGRESS, type PipelineStep } from '../status/steps.ts';
import { PROCESS_RETRY_LIMIT, type ProcessImageJob } from './job-queue.ts';
import type { ProcessingPool } from './pool.ts';

export const VARIANT_CACHE_CONTROL = 'public, max-age=31536000, immutable';
const UPLOAD_CONCURRENCY = 6;

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
    if (!image || image.status !== 'processing') return; // deleted, or already finished by an earlier run
    const log = this.logger.child({ imageId: image.id, attempt: job.retryCount + 1 });
    const source = join(tmpdir(), `optimage-source-${randomUUID()}`);
    // Steps are recorded and published strictly in order, even when reported from callbacks.
    let steps = Promise.resolve();
    const report = (step: PipelineStep, progress?: number) => {
      steps = steps.then(() => this.step(image, step, progress)).catch((err: unknown) => log.warn({ err }, 'could not record a step'));
      return steps;
    };
    try {
      await report('VALIDATE');
      await this.store.getFile(originalKey(image.id), source);
      const result = await this.pool.process(source, (step, progress) => void report(step, progress));
      await report('OPTIMIZE');

      const writes = result.outputs.flatMap((output) => output.sizes.map((size) => ({ size, output })));
      let done = 0;
      await runLimited(writes, UPLOAD_CONCURRENCY, async ({ size, output }) => {
        await this.store.put(variantKey(image.collectionId, size, image.slug), output.bytes, { contentType: 'image/webp', cacheControl: VARIANT_CACHE_CONTROL });
        done++;
        const progress = STEP_PROGRESS.OPTIMIZE + Math.floor(((STEP_PROGRESS.UPLOAD - STEP_PROGRESS.OPTIMIZE) * done) / writes.length);
        if (done % 4 === 0 && done < writes.length) void report('UPLOAD', progress);
      });
      await report('UPLOAD');

      const activated = await this.db.transaction(async (tx) => {
        const rows = writes.map(({ size, output }) => ({ imageId: image.id, size, width: output.width, height: output.height, bytes: output.bytes.byteLength }));
        await tx.getRepository(ImageVariant).upsert(rows, ['imageId', 'size']);
        const res = await tx
          .createQueryBuilder()
          .update(Image)
          .set({ status: 'ready', step: 'ACTIVATE', progress: 100, width: result.width, height: result.height, frames: result.pages, readyAt: () => 'now()' })
          .where('id = :id AND status = :status', { id: image.id, status: 'processing' })
          .execute();
        return (res.affected ?? 0) > 0;
      });
      if (!activated) {
        // Another run of this job finished first (same bytes, nothing to do), or the image was
        // deleted while we worked: then remove what we wrote.
        const exists = await this.db.getRepository(Image).existsBy({ id: image.id });
        if (!exists) await this.store.delete(allVariantKeys(image.collectionId, image.slug));
        return;
      }
      await this.publish(image, 'ready', 'ACTIVATE', 100, null);
      log.info({ outputs: result.outputs.length }, 'image ready');
    } catch (err) {
      const permanent = err instanceof AppError;
      const lastAttempt = job.retryCount >= PROCESS_RETRY_LIMIT;
      log.warn({ err, permanent, lastAttempt }, 'image processing failed');
      await steps;
      if (!permanent && !lastAttempt) throw err; // pg-boss retries with backoff
      await this.fail(image, err instanceof Error ? err.message : String(err));
    } finally {
      await rm(source, { force: true });
    }
  }

  private async fail(image: Image, message: string): Promise<void> {
    const error = `Processing failed: ${message}`.slice(0, 1000);
    const res = await this.db
      .createQueryBuilder()
      .update(Image)
      .set({ status: 'failed', error })
      .where('id = :id AND status = :status', { id: image.id, status: 'processing' })
      .execute();
    // Only the run that failed the image cleans up: another run may have made it ready meanwhile.
    if (!res.affected) return;
    await this.store.delete(allVariantKeys(image.collectionId, image.slug)).catch((err: unknown) => this.logger.warn({ err, imageId: image.id }, 'could not remove variants of a failed image'));
    await this.publish(image, 'failed', image.step, image.progress, error);
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
