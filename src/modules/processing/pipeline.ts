/**
 * The sharp pipeline for one image: source file + plan → one file per planned output and format,
 * plus the placeholder, from the same decode. Runs inside a
 * worker thread (pipeline.worker.ts), so it imports only sharp and its siblings, in erasable TS.
 *
 * Where the time goes, and why the pipeline is shaped this way (12 MP JPEG, measured): libwebp's
 * full-size encode is ~0.95 s of single-threaded work, the 11 smaller encodes together ~0.37 s,
 * their resizes ~0.15 s, the decode ~0.06 s. So: decode once (for a camera photo, straight to an
 * intermediate: see stillJobs in jobs.ts), start the full-size encode first, and let a second lane make the
 * smaller outputs on another core meanwhile. The image is then ready about when the full-size
 * encode alone would be (bench/pipeline.bench.ts). Under load, when the pool's images already fill the
 * cores, each gets one lane instead (lanesFor): the same throughput (bench:memory), less held at once;
 * there a camera photo's smaller files come first, and their intermediate is freed before the
 * full-size encode reads the file (runLanes' `readsFile`). When the others leave the threads, the
 * pool gives a running image its second lane back.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { OutputFormat } from '../images/formats.ts';
import type { Placeholder } from '../images/placeholder.ts';
import { avifQualityFor } from '../quality/auto-quality.ts';
import type { QualitySetting } from '../quality/quality-setting.ts';
import { readCopyright } from './exif-copyright.ts';
import { decodeHeic } from './heic-decode.ts';
import { isWideGamut } from './icc-gamut.ts';
import { animatedJobs, stillJobs, type Job, type StillExtras } from './jobs.ts';
import { LANES, runLanes, type LaneCount } from './lanes.ts';
import type { ArtTask, NamedOutput } from './named-outputs.ts';
import { PLAIN_POLICY, type OutputPolicy } from './output-policy.ts';
import { asInvalidImage, type RunTask } from './source.ts';
import type { PlannedOutput } from './variant-plan.ts';

export { LaneCount, LANES, lanesFor } from './lanes.ts';
export { encode, fromPixels, INVALID_IMAGE, type Pixels, type RunTask } from './source.ts';
export type { Job } from './jobs.ts';
export type { ArtTask, NamedOutput };

export type ProcessingStep = 'CONVERT' | 'RESIZE' | 'OPTIMIZE';
/** `progress` is 0–100 within `step`; steps arrive in order CONVERT, RESIZE, OPTIMIZE. */
export type StepListener = (step: ProcessingStep, progress: number) => void;

export interface PipelineTask {
  sourcePath: string;
  /** From planVariants: the full-size output (the one holding size 0) and the resized ones. */
  plan: PlannedOutput[];
  /** More than one frame: every frame is kept, as an animated WebP. */
  animated: boolean;
  maxInputPixels: number;
  /** WebP always; AVIF too when the collection asks (still images only: libvips writes no AVIF animation). */
  formats: readonly OutputFormat[];
  /** Off only for the benchmark's side-by-side baseline. */
  placeholder: boolean;
  /** Encodes in flight for this image at its start (default LANES); the pool passes 1 when its images already fill the cores (lanesFor), and may change it as it runs (runPipeline's `lanes`). */
  lanes?: number;
  /** The collection's quality (contract §15): 1–100, or "auto" to search it per image; default 80. */
  quality?: QualitySetting;
  /** A HEIC (HEVC) file: decoded by heic-decode.ts first, since libvips cannot. */
  heic?: boolean;
  /** Named variants, focal point, metadata and colour policy (contract §13); absent: none, as before. */
  art?: ArtTask;
}

export interface VariantOutput extends PlannedOutput {
  format: OutputFormat;
  bytes: Uint8Array;
  /** The encoder quality of this file: its WebP quality, or for AVIF its AVIF quality (avifQualityFor). */
  quality: number;
}

export interface PipelineResult {
  outputs: VariantOutput[];
  placeholder: Placeholder | null;
  /** The WebP quality of the full-size output (with a number set, of every output; AVIF: its counterpart, avifQualityFor). */
  quality: number;
  /** The named variants' files (none without `art`). */
  named: NamedOutput[];
  /** The focal point the crops were made around: the one given, or the salient point found; null without named variants. */
  focal: { x: number; y: number; source: 'given' | 'auto' } | null;
  /** Whether the files are Display P3 (a wide-gamut source in a `wide` collection). */
  wide: boolean;
  /** The most encodes this image had in flight at once: 1 when it ran on one lane throughout. */
  encodesAtOnce: number;
}

/**
 * Runs the plan; outputs come back in plan order, each output's formats in `task.formats` order.
 * `lanes`, when given, is followed as it changes (the pool raises it when the image is left alone
 * in the threads); otherwise `task.lanes` holds for the whole image.
 */
export async function runPipeline(pipelineTask: PipelineTask, onStep: StepListener = () => {}, lanes?: LaneCount): Promise<PipelineResult> {
  const full = pipelineTask.plan.find((o) => o.sizes.includes(0));
  if (!full) throw new Error('runPipeline: the plan has no full-size output');
  const formats = pipelineTask.animated ? pipelineTask.formats.filter((f) => f === 'webp') : pipelineTask.formats;
  onStep('CONVERT', 0);
  const task = await prepare(pipelineTask);
  const extras: StillExtras = { focal: null };
  const { jobs, quality, release } = task.animated ? await animatedJobs(task, formats, extras) : await stillJobs(task, full, formats, extras);
  const namedOnly = task.art?.namedOnly === true;
  // a focal point moved: only the files that depend on it (cover crops) are made again
  const encodes = namedOnly ? jobs.filter((j) => j.named?.cropped) : task.placeholder ? jobs : jobs.filter((j) => j.output || j.named);
  onStep('CONVERT', 100);

  const isResized = (job: Job) => job.output !== full && (job.output !== null || job.named !== undefined);
  const resizedCost = encodes.filter(isResized).reduce((sum, j) => sum + j.cost, 0);
  let resizedDone = 0;
  let fullLeft = encodes.filter((j) => j.output === full).length;
  if (resizedCost === 0) onStep('RESIZE', 100);
  if (!encodes.some((j) => j.output === full)) fullLeft = 0;
  const results = new Map<Job, Uint8Array>();
  let placeholder: Placeholder | null = null;
  // the decoded pixels go once the last job reading them is done (on one lane, runLanes keeps the
  // full-size encode of a file, which does not read them, for last); after a failure, at collection
  let pixelReaders = encodes.filter((j) => !j.readsFile).length;
  const letGo = () => void release?.().catch(() => {});
  if (pixelReaders === 0) letGo();
  // Largest first onto whichever lane is free: with two lanes the full-size encode starts at once,
  // and the placeholder (cost 0) runs last, on the lane that finishes the small sizes beside it.
  const encodesAtOnce = await runLanes(encodes, lanes ?? task.lanes ?? LANES, (job, result) => {
    if (!job.readsFile && --pixelReaders === 0) letGo();
    if (!Buffer.isBuffer(result)) {
      placeholder = result;
      return;
    }
    // sharp hands back external memory, which cannot be transferred between threads; one copy
    // here lets the worker transfer (not clone) the result to the main thread.
    results.set(job, new Uint8Array(result));
    if (job.output === full) {
      fullLeft--;
      return;
    }
    resizedDone += job.cost;
    onStep('RESIZE', Math.round((100 * resizedDone) / resizedCost));
    if (resizedDone === resizedCost && fullLeft > 0) onStep('OPTIMIZE', 0);
  });
  onStep('OPTIMIZE', 100);
  const outputs: VariantOutput[] = [];
  for (const j of encodes.filter((e) => e.output)) {
    const webpQuality = await (j.quality ?? quality);
    outputs.push({ ...j.output!, format: j.format, bytes: results.get(j)!, quality: j.format === 'avif' ? avifQualityFor(webpQuality) : webpQuality });
  }
  const named = encodes.filter((j) => j.named).map((j) => ({ ...j.named!, bytes: results.get(j)! }));
  return { outputs, placeholder, quality, named, focal: extras.focal, wide: task.policy.wide, encodesAtOnce };
}

/**
 * Where the pixels come from (a HEIC file decoded first) and what every file carries: the colour
 * profile and EXIF are decided once from the source's header (no pixels read).
 */
async function prepare(task: PipelineTask): Promise<RunTask> {
  let input: string | Buffer = task.sourcePath;
  if (task.heic) input = await decodeHeic(await readFile(task.sourcePath)).catch((err: unknown) => Promise.reject(asInvalidImage(err)));
  const art = task.art;
  // a header read (no pixels): the profile and bit depth decide the colour path
  const pixels = await sharp(input).metadata().catch((err: unknown) => Promise.reject(asInvalidImage(err)));
  const deep = pixels.depth !== undefined && pixels.depth !== 'uchar' && pixels.depth !== 'char';
  if (!art || (art.colorProfile === 'srgb' && art.metadata === 'none')) return { ...task, input, policy: PLAIN_POLICY, profileTransform: deep && pixels.icc !== undefined };
  const original = input === task.sourcePath ? pixels : await sharp(task.sourcePath).metadata().catch((err: unknown) => Promise.reject(asInvalidImage(err)));
  const policy: OutputPolicy = {
    wide: art.colorProfile === 'wide' && !task.animated && isWideGamut(pixels.icc),
    exif: art.metadata === 'copyright' ? readCopyright(original.exif) : null,
  };
  return { ...task, input, policy, profileTransform: !policy.wide && deep && pixels.icc !== undefined };
}

