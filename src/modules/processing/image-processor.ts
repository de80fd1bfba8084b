/**
 * Runs one image job: original → worker-thread pipeline → staged outputs → public copies →
 * activation. It orchestrates; every write of the image's state goes through ImageLifecycle.
 * Idempotent: a job for an image that is already ready (or gone) does nothing; re-running writes
 * the same objects.
 */
import { rm } from 'node:fs/promises';
import type { Job } from 'pg-boss';
import { AppError } from '../../errors.ts';
import { PROCESS_RETRY_LIMIT, type ProcessImageJob } from '../../jobs/job-queue.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import { scratchPath } from '../../storage/scratch.ts';
import type { ImageLifecycle } from '../images/image-lifecycle.ts';
import { STEP_PROGRESS, type PipelineStep } from '../images/steps.ts';
import { allStagingKeys, originalKey, stagingKey, variantKey } from '../images/variant-urls.ts';
import type { ProcessingPool } from './pool.ts';

export const VARIANT_CACHE_CONTROL = 'public, max-age=31536000, immutable';
const UPLOAD_CONCURRENCY = 6;

export class ImageProcessor {
  constructor(
    private readonly lifecycle: ImageLifecycle,
    private readonly store: ObjectStore,
    private readonly pool: ProcessingPool,
    /** Where originals are fetched to while processed (under DATA_DIR, swept at start-up). */
    private readonly scratchDir: string,
    private readonly logger: Logger,
    /** Told how long each step of an image took (metrics). */
    private readonly onStepTime: (step: PipelineStep, seconds: number) => void = () => {},
  ) {}

  async run(job: Job<ProcessImageJob>): Promise<void> {
    const image = await this.lifecycle.claimForProcessing(job.data.imageId);
    if (!image) return; // finished by an earlier run, deleted, or gone with its collection
    const log = this.logger.child({ imageId: image.id, attempt: job.retryCount + 1 });
    const source = scratchPath(this.scratchDir, 'source');
    // Steps are recorded and published strictly in order, even when reported from callbacks.
    let steps = Promise.resolve();
    let current: { step: PipelineStep; since: number } | null = null;
    const timeStep = (next: PipelineStep | null) => {
      if (current?.step === next) return;
      const now = performance.now();
      if (current) this.onStepTime(current.step, (now - current.since) / 1000);
      current = next ? { step: next, since: now } : null;
    };
    const report = (step: PipelineStep, progress?: number) => {
      timeStep(step);
      steps = steps.then(() => this.lifecycle.recordStep(image, step, progress)).catch((err: unknown) => log.warn({ err }, 'could not record a step'));
      return steps;
    };
    try {
      await report('VALIDATE');
      await this.store.getFile(originalKey(image.id), source);
      // the geometry read from the header at intake: the file is not inspected again
      const result = await this.pool.process(source, { width: image.width, height: image.height, pages: image.frames, format: image.sourceFormat }, (step, progress) => void report(step, progress));
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
      // then one transaction flips the image to ready.
      const writes = result.outputs.flatMap((output, i) => output.sizes.map((size) => ({ size, output, staged: stagingKey(image.id, i) })));
      await runLimited(writes, UPLOAD_CONCURRENCY, ({ size, staged }) =>
        this.store.copy(staged, variantKey(image.collectionId, size, image.slug), { contentType: 'image/webp', cacheControl: VARIANT_CACHE_CONTROL }),
      ).catch(async (err: unknown) => {
        // never leave part of an image public while the job waits for its retry
        await this.lifecycle.withdrawPublication(image).catch((e: unknown) => log.error({ err: e }, 'could not withdraw a partial publication'));
        throw err;
      });
      const variants = writes.map(({ size, output }) => ({ size, width: output.width, height: output.height, bytes: output.bytes.byteLength }));
      // the public copies exist: the staged files are not needed any more, and must be gone by `ready`
      await this.store.delete(allStagingKeys(image.id)).catch((err: unknown) => log.warn({ err }, 'could not remove staged outputs'));
      await steps;
      timeStep('ACTIVATE');
      const outcome = await this.lifecycle.activate(image, { width: result.width, height: result.height, pages: result.pages, variants });
      timeStep(null);
      if (outcome === 'activated') log.info('image ready');
    } catch (err) {
      const permanent = err instanceof AppError;
      const lastAttempt = job.retryCount >= PROCESS_RETRY_LIMIT;
      log.warn({ err, permanent, lastAttempt }, 'image processing failed');
      await steps;
      if (!permanent && !lastAttempt) throw err; // pg-boss retries with backoff
      await this.lifecycle.fail(image.id, err instanceof Error ? err.message : String(err));
      return;
    } finally {
      await rm(source, { force: true });
    }
  }

  /** A job that died for good (dead-letter queue): the image must not stay processing forever. */
  async abandon(imageId: string, reason: string): Promise<void> {
    await this.lifecycle.fail(imageId, reason);
  }
}

/** Runs `fn` over `items`, `limit` at a time; at the first failure takes no more, waits for those in flight, then throws it. */
async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!failure && next < items.length) {
      await fn(items[next++]!).catch((err: unknown) => void (failure ??= { err }));
    }
  });
  await Promise.all(lanes);
  if (failure) throw (failure as { err: unknown }).err;
}
