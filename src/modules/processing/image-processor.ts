/**
 * Runs one image job: original → worker-thread pipeline → staged outputs → public copies →
 * activation (or, in a reprocess run, the replacement of a ready image's rendition). It orchestrates; every write of the image's state goes through ImageLifecycle.
 * Idempotent: a job for an image that is already ready (or gone) does nothing; re-running writes
 * the same objects.
 */
import { rm } from 'node:fs/promises';
import type { Job } from 'pg-boss';
import { AppError, ValidationError } from '../../errors.ts';
import { PROCESS_RETRY_LIMIT, type ProcessImageJob } from '../../jobs/job-queue.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import { scratchPath } from '../../storage/scratch.ts';
import type { FailureKind } from '../images/failure.ts';
import { OUTPUT_CONTENT_TYPES, type OutputFormat } from '../images/formats.ts';
import { NAMED_CACHE_CONTROL, type NamedFile } from '../images/art-direction.ts';
import type { ImageLifecycle } from '../images/image-lifecycle.ts';
import type { Claim, Rendition } from '../images/rendition.ts';
import type { Image } from '../images/image.entity.ts';
import { STEP_PROGRESS, type PipelineStep } from '../images/steps.ts';
import { allStagingKeys, originalKey, stagingKey, storedNamedKey, storedVariantKey } from '../images/variant-urls.ts';
import type { ArtTask, NamedOutput, ProcessingPool, VariantOutput } from './pool.ts';

export const VARIANT_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Stored with private files: never kept by shared caches (a redirect hands the object out as is). */
export const PRIVATE_CACHE_CONTROL = 'private, max-age=3600';
const UPLOAD_CONCURRENCY = 6;
/** A publication burst: every copy at once (12 sizes × formats), tried this many times, this long apart (doubling). */
const PUBLISH_CONCURRENCY = 24;
const PUBLISH_BURSTS = 3;
const PUBLISH_BACKOFF_MS = 250;

/** Where a run was when it failed: a storage call's failure is not the input's fault. */
type Phase = 'fetch' | 'process' | 'store';

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
    /** After activation: moves the files if the collection changed visibility while the job ran (delivery module). */
    private readonly relocate: (image: Image) => Promise<void> = async () => {},
  ) {}

  /**
   * A first processing (the image is `processing`) or, with `runId`, a rerun of a ready image in a
   * reprocess run: the same pipeline from the kept original, published over the old files (each
   * copy replaces its object atomically, so every URL answers throughout).
   */
  async run(job: Job<ProcessImageJob>): Promise<void> {
    if (job.data.recrop) return this.recrop(job);
    const runId = job.data.runId ?? null;
    const claim = await this.lifecycle.claimForProcessing(job.data.imageId, runId);
    if (!claim) return; // finished by an earlier run, deleted, or gone with its collection
    const { image, formats, quality } = claim;
    const log = this.logger.child({ imageId: image.id, attempt: job.retryCount + 1, runId: runId ?? undefined });
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
    let phase: Phase = 'fetch';
    try {
      await report('VALIDATE');
      await this.store.getFile(originalKey(image.id), source);
      phase = 'process';
      // the geometry read from the header at intake: the file is not inspected again
      const geometry = { width: image.width, height: image.height, pages: image.frames, format: image.sourceFormat };
      const result = await this.pool.process(source, geometry, (step, progress) => void report(step, progress), { formats, quality, art: artTask(claim) });
      await report('OPTIMIZE');
      phase = 'store';
      const variants = await this.publish(image, result.outputs, report, !runId);
      const named = await this.publishNamed(image, result.named, !runId);
      await steps;
      const rendition = { width: result.width, height: result.height, pages: result.pages, placeholder: result.placeholder!, variants, named, focal: result.focal, quality: result.quality }; // asked for by default
      timeStep('ACTIVATE');
      const outcome = runId ? await this.lifecycle.replaceRendition(image, runId, rendition) : await this.lifecycle.activate(image, rendition);
      timeStep(null);
      // the doctor's missing-variant check re-renders an image whose move failed here
      if (outcome === 'activated') await this.relocate(image).catch((err: unknown) => log.error({ err }, 'could not move the files of an image whose collection changed visibility'));
      // Only now: a duplicate run of the same image copies from the same staged files, and if they
      // vanished before the image was ready, its failed copy would withdraw this run's public ones.
      await this.store.delete(allStagingKeys(image.id)).catch((err: unknown) => log.warn({ err }, 'could not remove staged outputs'));
      if (outcome === 'activated') log.info(runId ? 'image reprocessed' : 'image ready');
    } catch (err) {
      const permanent = err instanceof AppError;
      const lastAttempt = job.retryCount >= PROCESS_RETRY_LIMIT;
      log.warn({ err, permanent, lastAttempt }, 'image processing failed');
      await steps;
      if (!permanent && !lastAttempt) throw err; // pg-boss retries with backoff
      const message = err instanceof Error ? err.message : String(err);
      if (runId) await this.lifecycle.endRerun(image.id, runId, message);
      else await this.lifecycle.fail(image.id, message, failureKind(err, phase));
      return;
    } finally {
      await rm(source, { force: true });
    }
  }

  /**
   * Stages each distinct output privately (retried at will: nothing is public yet), then publishes
   * them all in one short burst of server-side copies to their public keys (identical sizes share
   * one staged file), each copy a single attempt. S3 has no multi-key atomicity, so on the first
   * failure the burst takes no more copies, and what it published is withdrawn before any retry or
   * backoff: a partial image is never public across a retry. The burst is tried PUBLISH_BURSTS
   * times, then the job fails (pg-boss retries it). Returns the variants' rows.
   */
  private async publish(image: Image, outputs: VariantOutput[], report: (step: PipelineStep, progress?: number) => Promise<void>, firstRun: boolean): Promise<Rendition['variants']> {
    let done = 0;
    await runLimited(outputs, UPLOAD_CONCURRENCY, async (output) => {
      await this.store.put(stagingKey(image.id, output.sizes[0]!, output.format), output.bytes, { contentType: OUTPUT_CONTENT_TYPES[output.format] });
      done++;
      if (done < outputs.length) void report('UPLOAD', STEP_PROGRESS.OPTIMIZE + Math.floor(((STEP_PROGRESS.UPLOAD - STEP_PROGRESS.OPTIMIZE) * done) / outputs.length));
    });
    await report('UPLOAD');
    const writes = outputs.flatMap((output) => output.sizes.map((size) => ({ size, output })));
    for (let burst = 1; ; burst++) {
      try {
        await runLimited(writes, PUBLISH_CONCURRENCY, ({ size, output }) =>
          this.store.copy(stagingKey(image.id, output.sizes[0]!, output.format), storedVariantKey(image.collectionId, size, image.slug, output.format, image.visibility), {
            contentType: OUTPUT_CONTENT_TYPES[output.format],
            cacheControl: VARIANT_CACHE_CONTROL,
            singleAttempt: true,
          }),
        );
        break;
      } catch (err) {
        // a ready image being rerun keeps what it has: old and new files show the same picture
        if (firstRun) await this.lifecycle.withdrawPublication(image).catch((e: unknown) => this.logger.error({ err: e, imageId: image.id }, 'could not withdraw a partial publication'));
        if (burst >= PUBLISH_BURSTS) throw err;
        this.logger.warn({ err, imageId: image.id, burst }, 'publication burst failed and was withdrawn; trying again');
        await new Promise((resolve) => setTimeout(resolve, PUBLISH_BACKOFF_MS * 2 ** (burst - 1)));
      }
    }
    // every size an output serves is that one file, made with its quality
    return writes.map(({ size, output }) => ({ size, format: output.format, width: output.width, height: output.height, bytes: output.bytes.byteLength, quality: output.quality }));
  }

  /**
   * The named variants' files, straight to their keys (each put replaces its object, so a crop's URL
   * answers throughout a rerun): public ones served with max-age and an ETag (NAMED_CACHE_CONTROL),
   * a private collection's under `_private/` like its sizes, delivered only signed (contract §11).
   * A first run that fails removes what it wrote.
   */
  private async publishNamed(image: Image, named: NamedOutput[], firstRun: boolean): Promise<NamedFile[]> {
    const key = (f: { name: string; format: OutputFormat }) => storedNamedKey(image.collectionId, f.name, image.slug, f.format, image.visibility);
    const cacheControl = image.visibility === 'private' ? PRIVATE_CACHE_CONTROL : NAMED_CACHE_CONTROL;
    await runLimited(named, UPLOAD_CONCURRENCY, (f) => this.store.put(key(f), f.bytes, { contentType: OUTPUT_CONTENT_TYPES[f.format], cacheControl })).catch(async (err: unknown) => {
      if (firstRun) await this.store.delete(named.map(key)).catch((e: unknown) => this.logger.error({ err: e, imageId: image.id }, 'could not withdraw named files'));
      throw err;
    });
    return named.map(({ name, format, width, height, cropped, bytes }) => ({ name, format, width, height, cropped, bytes: bytes.byteLength }));
  }

  /**
   * A ready image's focal point moved: its cover crops are made again from the original (one
   * decode) and replace their files in place; the other files are not touched. A failure leaves the
   * old crops (the image stays ready); it is retried like any job.
   */
  private async recrop(job: Job<ProcessImageJob>): Promise<void> {
    const claim = await this.lifecycle.crops.claim(job.data.imageId);
    if (!claim) return;
    const { image, formats } = claim;
    const source = scratchPath(this.scratchDir, 'source');
    try {
      await this.store.getFile(originalKey(image.id), source);
      const geometry = { width: image.width, height: image.height, pages: image.frames, format: image.sourceFormat };
      const art = artTask(claim);
      // the crops keep the quality the image's files were made with (no new search for "auto")
      const result = await this.pool.process(source, geometry, undefined, { formats, quality: image.quality ?? claim.quality, placeholder: false, art: { ...art, namedOnly: true } });
      const crops = await this.publishNamed(image, result.named, false);
      await this.lifecycle.crops.replace(image.id, crops);
      // the collection changed visibility while the crops were made: they go where the image is linked now
      await this.relocate(image).catch((err: unknown) => this.logger.error({ err, imageId: image.id }, 'could not move the crops of an image whose collection changed visibility'));
      this.logger.info({ imageId: image.id, crops: crops.length }, 'cover crops made again around the new focal point');
    } catch (err) {
      if (err instanceof AppError) return void this.logger.warn({ err, imageId: image.id }, 'could not make the crops again; the old ones stay');
      throw err;
    } finally {
      await rm(source, { force: true });
    }
  }

  /** A job that died for good (dead-letter queue): the image must not stay processing forever. */
  async abandon(job: ProcessImageJob, reason: string): Promise<void> {
    if (job.runId) await this.lifecycle.endRerun(job.imageId, job.runId, reason);
    else await this.lifecycle.fail(job.imageId, reason, 'interrupted');
  }
}

/** What the pipeline needs of the collection's art direction and the image's focal point (contract §13). */
function artTask({ image, art }: Claim): ArtTask {
  const focal = image.focalSource === 'given' && image.focalX !== null && image.focalY !== null ? { x: image.focalX, y: image.focalY } : null;
  // an animation's named variants are still crops of its first frame (jobs.ts); its sizes stay animated
  return { boxes: art.variants, focal, metadata: art.metadata, colorProfile: art.colorProfile, source: { width: image.width, height: image.height } };
}

/** The input's fault only when the pipeline says so (a file it cannot decode); a slow or failed storage call is not. */
function failureKind(err: unknown, phase: Phase): FailureKind {
  if (err instanceof ValidationError) return 'input';
  if (err instanceof AppError && err.code === 'PROCESSING_TIMEOUT') return 'timeout';
  return phase === 'process' ? 'internal' : 'storage';
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
