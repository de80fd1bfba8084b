/**
 * The worker-thread pool that runs image pipelines off the event loop: one image per thread, sized
 * to the cores, each task bounded in time. The main thread only plans, from the geometry that
 * intake read from the header (a JPEG's header is read again only for the memory budget: whether
 * it is progressive).
 */
// sharp's native module must be loaded by the main thread before any worker loads it.
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { AppError, ValidationError } from '../../errors.ts';
import { PIPELINE_STEPS, STEP_PROGRESS } from '../images/steps.ts';
import { INVALID_IMAGE, lanesFor, type ArtTask, type NamedOutput, type PipelineResult, type ProcessingStep, type VariantOutput } from './pipeline.ts';
import type { LanesMessage, WorkerMessage, WorkerTask } from './pipeline.worker.ts';
import { restrictLoaders } from './loaders.ts';
import { NEEDS_HEVC_DECODER, type OutputFormat, type SourceFormat } from '../images/formats.ts';
import type { Placeholder } from '../images/placeholder.ts';
import { footprintBytes, PixelBudget, progressiveSamples } from './pixel-budget.ts';
import type { QualitySetting } from '../quality/quality-setting.ts';
import { planVariants, type SourceGeometry } from './variant-plan.ts';

export type { ArtTask, NamedOutput, ProcessingStep, VariantOutput };

export interface ProcessingPoolOptions {
  threads: number;
  /** Longest a pipeline may run once a thread has picked it up. */
  taskTimeoutMs: number;
  /** libvips' own pixel guard while decoding (intake already refused larger headers). */
  maxInputPixels: number;
  /** Memory the images in flight may hold together (pixel-budget.ts); default: no limit but the thread count. */
  memoryBudgetBytes?: number;
}

export interface ProcessResult {
  /** Source dimensions after EXIF orientation (of one frame when animated). */
  width: number;
  height: number;
  pages: number;
  format: SourceFormat;
  /** Distinct files; per format, together their `sizes` hold each VARIANT_SIZES entry exactly once. */
  outputs: VariantOutput[];
  /** Null only when not asked for (the benchmark's baseline). */
  placeholder: Placeholder | null;
  /** The WebP quality the outputs were encoded with (the setting's, or the one "auto" chose). */
  quality: number;
  /** The named variants' files (contract §13), the focal point they were cut around, and whether the files are Display P3. */
  named: NamedOutput[];
  focal: PipelineResult['focal'];
  wide: boolean;
  /** The most encodes the image had in flight at once (PipelineResult): 1 on one lane throughout. */
  encodesAtOnce: number;
}

export interface ProcessOptions {
  /** Default WebP only. */
  formats?: readonly OutputFormat[];
  /** Default on. */
  placeholder?: boolean;
  /** The collection's quality: 1–100 or "auto" (default 80). */
  quality?: QualitySetting;
  /** Named variants, focal point, metadata and colour policy; default none. */
  art?: ArtTask;
}

/**
 * `progress` is the image's overall progress on the STEP_PROGRESS scale (CONVERT moves it from the
 * end of VALIDATE to the end of CONVERT, and so on), never decreasing.
 */
export type StepCallback = (step: ProcessingStep, progress: number) => void;

/** How long a core of the pool's share must stay idle before a running image is given a second lane (#rebalance). */
const RAISE_AFTER_MS = 250;

export class ProcessingPool {
  readonly #piscina: Piscina;
  readonly #options: Required<ProcessingPoolOptions>;
  readonly #budget: PixelBudget;
  readonly #cores = availableParallelism();
  /** Images a thread is running now, each with its lane count as last sent (rebalance()). */
  readonly #inThreads = new Map<MessagePort, number>();
  #raiseTimer: NodeJS.Timeout | undefined;

  constructor(options: ProcessingPoolOptions) {
    restrictLoaders();
    this.#options = { memoryBudgetBytes: Number.POSITIVE_INFINITY, ...options };
    this.#budget = new PixelBudget(this.#options.memoryBudgetBytes);
    this.#piscina = new Piscina({
      filename: workerFilename(),
      // Threads stay up: starting one (and loading sharp in it) costs more than an idle thread.
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
    });
  }

  /** Encodes the image at `sourcePath`, of the given geometry, into every planned output in each of `formats`. */
  async process(sourcePath: string, source: SourceGeometry & { format: SourceFormat }, onStep?: StepCallback, options: ProcessOptions = {}): Promise<ProcessResult> {
    const { formats = ['webp'], placeholder = true, quality, art } = options;
    const { maxInputPixels, taskTimeoutMs } = this.#options;
    const plan = planVariants(source);
    // Admitted by the memory it will hold, not only by a free thread; waiting here is not its run time.
    // A JPEG's header is read once more (a few KiB, ~1 ms): a progressive one holds all its coefficients.
    const samples = source.format === 'jpeg' ? progressiveSamples(await sharp(sourcePath).metadata().catch(() => ({}))) : 0;
    const release = await this.#budget.acquire(footprintBytes({ width: source.width, height: source.height, pages: source.pages, alpha: source.format !== 'jpeg', hevc: NEEDS_HEVC_DECODER.has(source.format), progressiveSamples: samples }));
    const lanes = lanesFor(this.#budget.usage.running, this.#options.threads, this.#cores);
    this.#rebalance(); // one more image admitted: those already in threads may have to give a lane back
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const outcome = new Promise<Pick<ProcessResult, 'outputs' | 'placeholder' | 'quality' | 'named' | 'focal' | 'wide' | 'encodesAtOnce'>>((resolve, reject) => {
      port1.on('message', (message: WorkerMessage) => {
        // The clock starts when a thread starts the image: time queued behind others is not its fault.
        timer ??= setTimeout(() => abort.abort(), taskTimeoutMs);
        if (!this.#inThreads.has(port1)) {
          this.#inThreads.set(port1, lanes);
          this.#rebalance();
        }
        if (message.type === 'step') onStep?.(message.step, overallProgress(message.step, message.progress));
        else if (message.type === 'result') resolve(message);
        else reject(message.code === INVALID_IMAGE ? new ValidationError(message.message, INVALID_IMAGE) : new Error(message.message));
      });
    });
    const heic = NEEDS_HEVC_DECODER.has(source.format);
    const task: WorkerTask = { port: port2, sourcePath, plan, animated: source.pages > 1, maxInputPixels, formats, placeholder, lanes, quality, heic, ...(art ? { art } : {}) };
    try {
      // The worker answers over the port (ordered after its steps); run() settles when it returns.
      const [, { outputs, placeholder, quality: chosen, named, focal, wide, encodesAtOnce }] = await Promise.all([this.#piscina.run(task, { transferList: [port2], signal: abort.signal }), outcome]);
      return { width: source.width, height: source.height, pages: source.pages, format: source.format, outputs, placeholder, quality: chosen, named, focal, wide, encodesAtOnce };
    } catch (err) {
      if (abort.signal.aborted) {
        // Permanent: the same image would take as long again.
        throw new AppError(`Processing took longer than ${taskTimeoutMs} ms and was stopped`, 'PROCESSING_TIMEOUT', 500);
      }
      throw err;
    } finally {
      clearTimeout(timer);
      this.#inThreads.delete(port1);
      port1.close();
      release();
      this.#rebalance();
    }
  }

  /**
   * Gives every image in the threads the lanes lanesFor allows now, counting the images admitted (in
   * a thread, or about to take one: the budget admits the next as it releases the last): one each
   * while they fill the cores, two once an image is left with a core idle beside it and nothing
   * admitted to take it — the last image of a batch finishes on both cores instead of one
   * (bench:pipeline's throughput timeline). A lane is taken back at once but given only after the
   * core has stayed idle for RAISE_AFTER_MS: in the service the next job arrives within that (the
   * freed slot publishes its image and fetches the next job), and a lane opened meanwhile would be
   * held across the next image's decode — bench:memory's peak.
   */
  #rebalance(): void {
    const lanes = lanesFor(this.#budget.usage.running, this.#options.threads, this.#cores);
    let raise = false;
    for (const [port, sent] of this.#inThreads) {
      if (sent > lanes) this.#sendLanes(port, lanes);
      else if (sent < lanes) raise = true;
    }
    if (!raise) {
      clearTimeout(this.#raiseTimer);
      this.#raiseTimer = undefined;
    } else if (!this.#raiseTimer) {
      this.#raiseTimer = setTimeout(() => {
        this.#raiseTimer = undefined;
        const now = lanesFor(this.#budget.usage.running, this.#options.threads, this.#cores);
        for (const [port, sent] of this.#inThreads) if (sent < now) this.#sendLanes(port, now);
      }, RAISE_AFTER_MS);
      this.#raiseTimer.unref();
    }
  }

  #sendLanes(port: MessagePort, lanes: number): void {
    this.#inThreads.set(port, lanes);
    port.postMessage({ type: 'lanes', lanes } satisfies LanesMessage);
  }

  /** Share of the pool's capacity used since it started (0–1), for metrics. */
  get utilization(): number {
    return this.#piscina.utilization;
  }

  /** Lets running images finish, refuses queued ones, then stops the threads. */
  async close(): Promise<void> {
    clearTimeout(this.#raiseTimer);
    await this.#piscina.close({ force: true });
  }
}

/** Compiled: the .js beside this file (dist/). Under vitest: the .ts, run by Node's type stripping. */
function workerFilename(): string {
  const compiled = new URL('./pipeline.worker.js', import.meta.url);
  return fileURLToPath(existsSync(compiled) ? compiled : new URL('./pipeline.worker.ts', import.meta.url));
}

/** Maps progress within a step onto the image's overall scale: from the previous step's end to this one's. */
function overallProgress(step: ProcessingStep, percent: number): number {
  const previous = PIPELINE_STEPS[PIPELINE_STEPS.indexOf(step) - 1];
  const from = previous ? STEP_PROGRESS[previous] : 0;
  return Math.round(from + ((STEP_PROGRESS[step] - from) * Math.min(100, Math.max(0, percent))) / 100);
}
