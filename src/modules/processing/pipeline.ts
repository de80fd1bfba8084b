/**
 * The sharp pipeline for one image: source file + plan → one file per planned output and format,
 * plus the placeholder, from the same decode. Runs inside a
 * worker thread (pipeline.worker.ts), so it imports only sharp and its siblings, in erasable TS.
 *
 * Where the time goes, and why the pipeline is shaped this way (12 MP JPEG, measured): libwebp's
 * full-size encode is ~0.95 s of single-threaded work, the 11 smaller encodes together ~0.37 s,
 * their resizes ~0.15 s, the decode ~0.06 s. So: decode once (for a camera photo, straight to a 2×
 * intermediate: see stillJobs), start the full-size encode first, and let a second lane make the
 * smaller outputs on another core meanwhile. The image is then ready about when the full-size
 * encode alone would be (bench/pipeline.bench.ts). Under load, when the pool's images already fill the
 * cores, each gets one lane instead (lanesFor): the same throughput (bench:memory), less held at once.
 */
import { readFile } from 'node:fs/promises';
import sharp, { type Raw, type Sharp, type SharpOptions } from 'sharp';
import type { OutputFormat } from '../images/formats.ts';
import type { Placeholder } from '../images/placeholder.ts';
import { AVIF_SETTINGS, WEBP_QUALITY } from '../images/sizes.ts';
import { avifQualityFor, encoderQuality, fixedQuality } from '../quality/auto-quality.ts';
import type { QualitySetting } from '../quality/quality-setting.ts';
import { readCopyright } from './exif-copyright.ts';
import { decodeHeic } from './heic-decode.ts';
import { isWideGamut } from './icc-gamut.ts';
import { makePlaceholder } from './placeholder.ts';
import { namedJobs, type ArtTask, type NamedOutput } from './named-outputs.ts';
import { applyPolicy, PLAIN_POLICY, type OutputPolicy } from './output-policy.ts';
import { salientPoint } from './salient-point.ts';
import type { PlannedOutput } from './variant-plan.ts';

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
  /** Encodes in flight for this image (default LANES); the pool passes 1 when its images already fill the cores (lanesFor). */
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
}

export interface PipelineResult {
  outputs: VariantOutput[];
  placeholder: Placeholder | null;
  /** The WebP quality every output was encoded with (AVIF: its counterpart, avifQualityFor). */
  quality: number;
  /** The named variants' files (none without `art`). */
  named: NamedOutput[];
  /** The focal point the crops were made around: the one given, or the salient point found; null without named variants. */
  focal: { x: number; y: number; source: 'given' | 'auto' } | null;
  /** Whether the files are Display P3 (a wide-gamut source in a `wide` collection). */
  wide: boolean;
}

/**
 * Encodes in flight per image. Two, because the full-size encode is one libwebp thread and
 * everything else fits beside it on a second core. The pool runs one image per thread, so a busy
 * pool has at most 2 × threads sharp calls in flight: libuv's default 4 threads cover 2 pool threads.
 */
export const LANES = 2;

/**
 * Lanes for an image starting while `running` images (itself included) hold the pool's `threads`
 * on a machine of `cores`. The process's share of the machine is its threads (WORKER_THREADS: one
 * core each, README "Scaling"), never more than the cores: the second lane only pays while a core
 * of that share would otherwise be idle. Once the images in the threads fill the share, each keeps
 * one call in flight — the share stays as busy, and an image holds its full-size encode without its
 * smaller encodes beside it (a 30 MP photo alone in a fresh process: ~195 MiB at its peak instead
 * of ~208). So a single-thread worker uses one core, and M of them on one machine do not each
 * count the others' cores as idle (bench:scale).
 */
export function lanesFor(running: number, threads: number, cores: number): number {
  return Math.min(running, threads) >= Math.min(threads, cores) ? 1 : LANES;
}

/**
 * When the image is over 2.5× wider than the largest resized output, those outputs are resampled
 * from an intermediate 2× that width instead of the full image, so 11 resamples do not each read all
 * 12–24 MP. Lanczos from 2× oversampling is visually identical (measured ≥45 dB PSNR against
 * resampling the full image); below 2.5× the intermediate would cost about what it saves.
 */
const INTERMEDIATE_SCALE = 2;
const INTERMEDIATE_ABOVE = 2.5;

/** A pixel-level failure of the source (corrupt, truncated): the same file will always fail. */
export const INVALID_IMAGE = 'INVALID_IMAGE';

/**
 * Encode time per pixel against WebP q80's (bench/avif-settings.bench.ts: AVIF at its settings takes
 * ~1.3× at 12 MP and ~2× at 1280 px), so the lanes take the longest jobs first.
 */
const RELATIVE_COST: Record<OutputFormat, number> = { webp: 1, avif: 1.5 };

/** One encode (or the placeholder, which has no output) for a lane to run; `named` for a named variant's file. */
export interface Job {
  output: PlannedOutput | null;
  named?: Omit<NamedOutput, 'bytes'>;
  format: OutputFormat;
  cost: number;
  encode: () => Promise<Buffer | Placeholder>;
}

/** A task as it runs: where the pixels are read from and what every file carries. */
export interface RunTask extends PipelineTask {
  /** The source file, or (HEIC) the decoded picture as a PNG in memory. */
  input: string | Buffer;
  policy: OutputPolicy;
  /**
   * A high-bit-depth source with an embedded profile: libvips converts 16-bit RGB to sRGB without
   * its profile unless an ICC transform is asked for (a 16-bit Display P3 PNG came out ~7 ΔE off).
   */
  profileTransform: boolean;
}

/** What the still pipeline found and made besides the numbered outputs. */
interface StillExtras {
  focal: PipelineResult['focal'];
}

/** Runs the plan; outputs come back in plan order, each output's formats in `task.formats` order. */
export async function runPipeline(pipelineTask: PipelineTask, onStep: StepListener = () => {}): Promise<PipelineResult> {
  const full = pipelineTask.plan.find((o) => o.sizes.includes(0));
  if (!full) throw new Error('runPipeline: the plan has no full-size output');
  const formats = pipelineTask.animated ? pipelineTask.formats.filter((f) => f === 'webp') : pipelineTask.formats;
  onStep('CONVERT', 0);
  const task = await prepare(pipelineTask);
  const extras: StillExtras = { focal: null };
  const { jobs, quality } = task.animated ? animatedJobs(task, formats) : await stillJobs(task, full, formats, extras);
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
  // Largest first onto whichever lane is free: the full-size encode starts at once, and the
  // placeholder (cost 0) runs last, on the lane that finishes the small sizes beside it.
  const queue = [...encodes].sort((a, b) => b.cost - a.cost);
  let failed = false;
  const lane = async () => {
    for (let job = queue.shift(); job && !failed; job = queue.shift()) {
      const result = await job.encode().catch((err: unknown) => {
        failed = true; // the other lane stops taking jobs
        throw err;
      });
      if (!Buffer.isBuffer(result)) {
        placeholder = result;
        continue;
      }
      // sharp hands back external memory, which cannot be transferred between threads; one copy
      // here lets the worker transfer (not clone) the result to the main thread.
      results.set(job, new Uint8Array(result));
      if (job.output === full) {
        fullLeft--;
        continue;
      }
      resizedDone += job.cost;
      onStep('RESIZE', Math.round((100 * resizedDone) / resizedCost));
      if (resizedDone === resizedCost && fullLeft > 0) onStep('OPTIMIZE', 0);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, task.lanes ?? LANES) }, lane));
  onStep('OPTIMIZE', 100);
  const outputs = encodes.filter((j) => j.output).map((j) => ({ ...j.output!, format: j.format, bytes: results.get(j)! }));
  const named = encodes.filter((j) => j.named).map((j) => ({ ...j.named!, bytes: results.get(j)! }));
  return { outputs, placeholder, quality, named, focal: extras.focal, wide: task.policy.wide };
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

function openSource(task: RunTask): Sharp {
  const options: SharpOptions = {
    autoOrient: true,
    // 'error' refuses truncated and corrupt pixel data, but not the benign warnings many cameras' files raise.
    failOn: 'error',
    limitInputPixels: task.maxInputPixels,
    pages: task.animated ? -1 : 1,
  };
  // Wide: the source's own profile is converted to Display P3 on the way out (applyPolicy).
  if (task.policy.wide) return sharp(task.input, options);
  // sRGB from any embedded profile (or CMYK, 16-bit, grey), then every output is plain 8-bit sRGB.
  const image = sharp(task.input, options).toColourspace('srgb');
  return task.profileTransform ? image.withIccProfile('srgb', { attach: false }) : image;
}

/**
 * Encodes with the image's output policy (profile, EXIF) at a WebP quality (AVIF: its counterpart,
 * avifQualityFor); `from` says whether the pixels are the pipeline's decode.
 */
export function encode(image: Sharp, format: OutputFormat, policy: OutputPolicy = PLAIN_POLICY, from: 'file' | 'pixels' = 'pixels', quality: number = WEBP_QUALITY): Promise<Buffer> {
  const out = applyPolicy(image, policy, from);
  return (format === 'avif' ? out.avif({ ...AVIF_SETTINGS, quality: avifQualityFor(quality) }) : out.webp({ quality })).toBuffer();
}

/**
 * Decoded pixels: raw 8-bit sRGB, or (wide) an uncompressed TIFF in memory holding Display P3
 * pixels with their profile, since raw pixels cannot carry a profile.
 */
export interface Pixels {
  data: Buffer;
  raw: Raw | null;
  width: number;
  height: number;
}

/** A decode: oriented, sRGB (or P3), at the given dimensions. */
async function decode(task: RunTask, size: { width: number; height: number }): Promise<Pixels> {
  try {
    // A no-op for the full size unless the image is over the WebP limit and the plan scaled it down.
    const image = openSource(task).resize(size.width, size.height, { fit: 'fill', fastShrinkOnLoad: false });
    if (task.policy.wide) {
      const { data, info } = await image.withIccProfile('p3').tiff({ compression: 'none' }).toBuffer({ resolveWithObject: true });
      return { data, raw: null, width: info.width, height: info.height };
    }
    const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data, raw: { width: info.width, height: info.height, channels: info.channels }, width: info.width, height: info.height };
  } catch (err) {
    throw asInvalidImage(err);
  }
}

export function fromPixels(pixels: Pixels): Sharp {
  return pixels.raw ? sharp(pixels.data, { raw: pixels.raw }) : sharp(pixels.data);
}

function resizeTo(image: Sharp, output: PlannedOutput): Sharp {
  return image.resize(output.width, output.height, { fit: 'fill' });
}

/**
 * Still images. When the image is over 2.5× wider than its largest resized output (every camera
 * photo), nothing holds its full-size pixels: the one decode is to the 2× intermediate the resized
 * outputs and the placeholder come from (JPEG and WebP decode straight to it, shrink-on-load), and
 * the full-size encode reads the file itself, line by line into libwebp. That decode reads every
 * pixel, so a corrupt file still fails in CONVERT. A 30 MP JPEG peaks at ~190 MiB this way, against
 * ~280 MiB when the raw full-size pixels (90 MiB) stay in memory for the whole full-size encode
 * (bench:memory's probes). Smaller images are decoded once at full size, and everything comes
 * from those pixels.
 */
async function stillJobs(task: RunTask, full: PlannedOutput, formats: readonly OutputFormat[], extras: StillExtras): Promise<{ jobs: Job[]; quality: number }> {
  const largest = Math.max(0, ...task.plan.filter((o) => o !== full).map((o) => o.width));
  // (no resized output at all — an image narrower than every size — needs no intermediate either)
  const viaIntermediate = largest > 0 && full.width > INTERMEDIATE_ABOVE * largest;
  let fullSize: () => Sharp;
  let resampleBase: Pixels;
  if (viaIntermediate) {
    const width = INTERMEDIATE_SCALE * largest;
    resampleBase = await decode(task, { width, height: Math.max(1, Math.round((full.height * width) / full.width)) });
    fullSize = () => openSource(task).resize(full.width, full.height, { fit: 'fill' });
  } else {
    const base = await decode(task, full);
    resampleBase = base;
    fullSize = () => fromPixels(base);
  }
  // the quality hook: "auto" searches it on a mid-size variant of these same decoded pixels
  const quality = await encoderQuality(task.quality, resampleBase);
  const { policy } = task;
  const encodes = task.plan.flatMap((output) =>
    formats.map((format) => ({
      output,
      format,
      cost: output.width * output.height * RELATIVE_COST[format],
      encode:
        output === full
          ? () => encode(fullSize(), format, policy, viaIntermediate ? 'file' : 'pixels', quality).catch((err: unknown) => Promise.reject(viaIntermediate ? asInvalidImage(err) : err))
          : () => encode(resizeTo(fromPixels(resampleBase), output), format, policy, 'pixels', quality),
    })),
  );
  // from the same decoded pixels (the smaller intermediate when there is one): no second decode
  const placeholder: Job = { output: null, format: 'webp', cost: 0, encode: () => makePlaceholder(fromPixels(resampleBase)) };
  const art = task.art;
  if (!art || art.boxes.length === 0) return { jobs: [...encodes, placeholder], quality };
  // the salient point from those same pixels when no focal point was given, found while the
  // full-size encode already runs (only the named encodes wait for it)
  const focal = art.focal ? Promise.resolve({ ...art.focal, source: 'given' as const }) : salientPoint(fromPixels(resampleBase)).then((p) => ({ ...p, source: 'auto' as const }));
  void focal.then((f) => (extras.focal = f), () => {}); // a failure reaches the named encodes
  const named = namedJobs(art, focal, formats, { base: resampleBase, fromPixels, fromFile: () => openSource(task), encode: (image, format, from) => encode(image, format, policy, from, quality), relativeCost: RELATIVE_COST, invalid: asInvalidImage });
  return { jobs: [...encodes, ...named, placeholder], quality };
}

/**
 * Animated sources are re-read from the file for each output: sharp resizes a multi-frame image
 * frame by frame only when it comes from a loader (raw pixels with pageHeight lose their frames on
 * resize), and decoding is cheap next to encoding every frame as WebP (20 frames of 640×360:
 * 52 ms against 620 ms). Its placeholder comes from the first frame alone.
 */
function animatedJobs(task: RunTask, formats: readonly OutputFormat[]): { jobs: Job[]; quality: number } {
  const quality = fixedQuality(task.quality); // "auto" takes the default: no search over frames
  const encodes = task.plan.flatMap((output) =>
    formats.map((format) => ({
      output,
      format,
      cost: output.width * output.height * RELATIVE_COST[format],
      encode: () => encode(resizeTo(openSource(task), output), format, task.policy, 'file', quality).catch((err: unknown) => Promise.reject(asInvalidImage(err))),
    })),
  );
  // the first frame, what a browser shows before the animation starts
  const firstFrame = () => makePlaceholder(openSource({ ...task, animated: false })).catch((err: unknown) => Promise.reject(asInvalidImage(err)));
  return { jobs: [...encodes, { output: null, format: 'webp', cost: 0, encode: firstFrame }], quality };
}

/** Marks a sharp failure as the source's fault, so it is not retried (see pool.ts). */
function asInvalidImage(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const reason = message.replace(/^Vips\w+: /, '').trim().split('\n')[0];
  return Object.assign(new Error(`The image could not be decoded: ${reason}`), { code: INVALID_IMAGE });
}
