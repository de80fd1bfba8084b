/**
 * The encodes of one image, as jobs for the lanes (lanes.ts): still images from one decode,
 * animations re-read per output. Runs in the worker (erasable TS; sharp and siblings only).
 */
import type { Sharp } from 'sharp';
import type { OutputFormat } from '../images/formats.ts';
import type { Placeholder } from '../images/placeholder.ts';
import { encoderQualities, fixedQuality, LARGE_PROBE_WIDTH, largeFilesQuality, SMALL_FILES_MAX_WIDTH } from '../quality/auto-quality.ts';
import { makePlaceholder } from './placeholder.ts';
import { namedJobs, type NamedOutput } from './named-outputs.ts';
import type { PipelineResult } from './pipeline.ts';
import { salientPoint } from './salient-point.ts';
import { asInvalidImage, decode, encode, fromPixels, openSource, releasePixels, resizeTo, type Pixels, type RunTask } from './source.ts';
import type { PlannedOutput } from './variant-plan.ts';

/**
 * When the image is over 2.5× wider than the largest resized output, those outputs are resampled
 * from an intermediate instead of the full image, so 11 resamples do not each read all 12–24 MP;
 * below 2.5× the intermediate would cost about what it saves. The intermediate is the full image
 * halved (quartered…) as long as it stays at least 1.5× the largest output: JPEG and WebP decode
 * straight to that (libjpeg's DCT scaling), without decoding the full size first — a 12 MP JPEG's
 * decode to 2000 px takes ~0.1 s less CPU than to 2560 px by resampling — and the outputs are as
 * close to resampling the full image as from a 2× Lanczos intermediate (12 MP, real and synthetic
 * photo: 53.6 dB PSNR at 1280 px against 54.1–54.3, 51 dB at 768 and 320 against 49.4–50.3; 12
 * independent sharp calls get 46–51). Otherwise (2.5–3× wider, or a half still wider than 2×) a 2×
 * intermediate is resampled.
 */
const INTERMEDIATE_SCALE = 2;
const INTERMEDIATE_ABOVE = 2.5;
const MIN_OVERSAMPLING = 1.5;

/**
 * The intermediate's width for a full width over 2.5× the largest output's (see above). Halving is
 * only taken while it is no wider than the 2× intermediate: a 30 MP photo's half (3354 px) would hold
 * 1.7× its pixels during the full-size encode (bench:memory), so it keeps the 2× one.
 */
export function intermediateWidth(fullWidth: number, largest: number): number {
  const resampled = INTERMEDIATE_SCALE * largest;
  for (let k = 1; Math.round(fullWidth / 2 ** k) >= MIN_OVERSAMPLING * largest; k++) {
    const halved = Math.round(fullWidth / 2 ** k);
    if (halved <= resampled) return halved;
  }
  return resampled;
}

/**
 * Encode time per pixel against WebP q80's (bench/avif-settings.bench.ts: AVIF at its settings takes
 * ~1.3× at 12 MP and ~2× at 1280 px), so the lanes take the longest jobs first.
 */
export const RELATIVE_COST: Record<OutputFormat, number> = { webp: 1, avif: 1.5 };

/** One encode (or the placeholder, which has no output) for a lane to run; `named` for a named variant's file. */
export interface Job {
  output: PlannedOutput | null;
  named?: Omit<NamedOutput, 'bytes'>;
  format: OutputFormat;
  cost: number;
  encode: () => Promise<Buffer | Placeholder>;
  /** A numbered output's WebP quality (its AVIF file's is avifQualityFor it); resolved by the time its encode is. */
  quality?: number | Promise<number>;
  /** Reads the source file, not the decoded pixels: the full-size encode of an image decoded to an intermediate. */
  readsFile?: boolean;
}

/** What the still pipeline found and made besides the numbered outputs. */
export interface StillExtras {
  focal: PipelineResult['focal'];
}

/** The jobs of one image; `release` frees the decoded pixels they share once every job not marked `readsFile` is done. */
export interface ImageJobs {
  jobs: Job[];
  quality: number;
  release?: () => Promise<void>;
}

/**
 * Still images. When the image is over 2.5× wider than its largest resized output (every camera
 * photo), nothing holds its full-size pixels: the one decode is to the intermediate the resized
 * outputs and the placeholder come from (JPEG and WebP decode straight to it, shrink-on-load), and
 * the full-size encode reads the file itself, line by line into libwebp. That decode reads every
 * pixel, so a corrupt file still fails in CONVERT. A 30 MP JPEG peaks at ~190 MiB this way, against
 * ~280 MiB when the raw full-size pixels (90 MiB) stay in memory for the whole full-size encode
 * (bench:memory's probes). Smaller images are decoded once at full size, and everything comes
 * from those pixels.
 */
export async function stillJobs(task: RunTask, full: PlannedOutput, formats: readonly OutputFormat[], extras: StillExtras): Promise<ImageJobs> {
  const largest = Math.max(0, ...task.plan.filter((o) => o !== full).map((o) => o.width));
  // (no resized output at all — an image narrower than every size — needs no intermediate either)
  const viaIntermediate = largest > 0 && full.width > INTERMEDIATE_ABOVE * largest;
  let fullSize: () => Sharp;
  let resampleBase: Pixels;
  if (viaIntermediate) {
    const width = intermediateWidth(full.width, largest);
    resampleBase = await decode(task, { width, height: Math.max(1, Math.round((full.height * width) / full.width)) }, true);
    fullSize = () => openSource(task).resize(full.width, full.height, { fit: 'fill' });
  } else {
    const base = await decode(task, full);
    resampleBase = base;
    fullSize = () => fromPixels(base);
  }
  // the quality hooks: "auto" searches the full-size file's and the small files' qualities on a 320-px
  // variant of these same decoded pixels before any encode starts, and the larger files' on the
  // 1024-px file's input while the full-size encode already runs (only their encodes wait for it)
  const { full: quality, small: smallQuality } = await encoderQualities(task.quality, resampleBase);
  const { policy } = task;
  const largeProbe = largeFilesProbe(task.plan, full);
  // With "auto" and an 8-bit decode, the probe's output is resized once: the larger files' search
  // scores these pixels and encodes them as the file is encoded, so its WebP file is the search's
  // probe at the chosen quality, and its AVIF file comes from the same pixels.
  const probePixels = largeProbe && task.quality === 'auto' && resampleBase.raw ? rawPixels(resizeTo(fromPixels(resampleBase), largeProbe)) : null;
  probePixels?.catch(() => {}); // awaited by the search and the probe's encodes
  const large = largeProbe
    ? largeFilesQuality(task.quality, smallQuality, async () => {
        if (probePixels) {
          const pixels = await probePixels;
          return { pixels: { data: pixels.data, width: pixels.width, height: pixels.height, channels: pixels.raw!.channels }, encode: (q: number) => encode(fromPixels(pixels), 'webp', policy, 'pixels', q) };
        }
        // a wide-gamut decode: the metric compares sRGB, the file keeps Display P3
        const { data, info } = await resizeTo(fromPixels(resampleBase), largeProbe).toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
        return { pixels: { data, width: info.width, height: info.height, channels: info.channels } };
      })
    : Promise.resolve({ quality: smallQuality, webp: null });
  large.catch(() => {}); // awaited by the larger files' encodes: a failure surfaces there
  const largeQuality = large.then((l) => l.quality);
  largeQuality.catch(() => {});
  const input = async (output: PlannedOutput) => (output === largeProbe && probePixels ? fromPixels(await probePixels) : resizeTo(fromPixels(resampleBase), output));
  const encodes = task.plan.flatMap((output): Job[] =>
    formats.map((format) => {
      const larger = output !== full && output.width > SMALL_FILES_MAX_WIDTH;
      return {
        output,
        format,
        cost: output.width * output.height * RELATIVE_COST[format],
        quality: output === full ? quality : larger ? largeQuality : smallQuality,
        readsFile: output === full && viaIntermediate,
        encode:
          output === full
            ? () => encode(fullSize(), format, policy, viaIntermediate ? 'file' : 'pixels', quality).catch((err: unknown) => Promise.reject(viaIntermediate ? asInvalidImage(err) : err))
            : larger
              ? async () => {
                  const { quality: q, webp } = await large;
                  if (output === largeProbe && format === 'webp' && webp) return webp;
                  return encode(await input(output), format, policy, 'pixels', q);
                }
              : () => encode(resizeTo(fromPixels(resampleBase), output), format, policy, 'pixels', smallQuality),
      };
    }),
  );
  // from the same decoded pixels (the smaller intermediate when there is one): no second decode
  const placeholder: Job = { output: null, format: 'webp', cost: 0, encode: () => makePlaceholder(fromPixels(resampleBase)) };
  // Once the jobs reading the decode are done, so are the reads started ahead of them (the probe's
  // resize, the searches, the salient point) but for a job left out (a focal-point-only rerun): the
  // decode is freed after those settle. On one lane a camera photo's intermediate (13 MiB for 30 MP)
  // is then gone before its full-size encode, which reads the file, builds libwebp's picture.
  const release = (readers: unknown[]) => async () => {
    await Promise.allSettled(readers);
    releasePixels(resampleBase);
  };
  const art = task.art;
  if (!art || art.boxes.length === 0) return { jobs: [...encodes, placeholder], quality, release: release([probePixels, large]) };
  // the salient point from those same pixels when no focal point was given, found while the
  // full-size encode already runs (only the named encodes wait for it)
  const focal = art.focal ? Promise.resolve({ ...art.focal, source: 'given' as const }) : salientPoint(fromPixels(resampleBase)).then((p) => ({ ...p, source: 'auto' as const }));
  void focal.then((f) => (extras.focal = f), () => {}); // a failure reaches the named encodes
  const named = namedJobs(art, focal, formats, { base: resampleBase, fromPixels, fromFile: () => openSource(task), encode: (image, format, from) => encode(image, format, policy, from, quality), relativeCost: RELATIVE_COST, invalid: asInvalidImage });
  return { jobs: [...encodes, ...named, placeholder], quality, release: release([probePixels, large, focal]) };
}

/** A resize of 8-bit pixels as raw 8-bit pixels: encoding these is encoding the resize. */
async function rawPixels(image: Sharp): Promise<Pixels> {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data, raw: { width: info.width, height: info.height, channels: info.channels }, width: info.width, height: info.height };
}

/**
 * The output the larger files' quality is searched on: the 1024-px one, or on a narrower image the
 * widest below it; none when no file but the full size is wider than SMALL_FILES_MAX_WIDTH.
 */
function largeFilesProbe(plan: readonly PlannedOutput[], full: PlannedOutput): PlannedOutput | undefined {
  const large = plan.filter((o) => o !== full && o.width > SMALL_FILES_MAX_WIDTH && o.width <= LARGE_PROBE_WIDTH);
  return large.sort((a, b) => b.width - a.width)[0];
}

/**
 * Animated sources are re-read from the file for each output: sharp resizes a multi-frame image
 * frame by frame only when it comes from a loader (raw pixels with pageHeight lose their frames on
 * resize), and decoding is cheap next to encoding every frame as WebP (20 frames of 640×360:
 * 52 ms against 620 ms). Its placeholder comes from the first frame alone, and so do its named
 * variants: still crops of the first frame (what a browser shows before the animation starts), a
 * poster for an avatar or a card, not an animation of every frame cut again.
 */
export async function animatedJobs(task: RunTask, formats: readonly OutputFormat[], extras: StillExtras): Promise<ImageJobs> {
  const quality = fixedQuality(task.quality); // "auto" takes the default: no search over frames
  const encodes = task.plan.flatMap((output) =>
    formats.map((format) => ({
      output,
      format,
      cost: output.width * output.height * RELATIVE_COST[format],
      quality,
      encode: () => encode(resizeTo(openSource(task), output), format, task.policy, 'file', quality).catch((err: unknown) => Promise.reject(asInvalidImage(err))),
    })),
  );
  const still: RunTask = { ...task, animated: false };
  // the first frame, what a browser shows before the animation starts
  const firstFrame = () => makePlaceholder(openSource(still)).catch((err: unknown) => Promise.reject(asInvalidImage(err)));
  const jobs: Job[] = [...encodes, { output: null, format: 'webp', cost: 0, encode: firstFrame }];
  const art = task.art;
  if (!art || art.boxes.length === 0) return { jobs, quality };
  // one decode of the first frame feeds its crops and, without a given focal point, its salient point
  const frame = await decode(still, art.source);
  const focal = art.focal ? Promise.resolve({ ...art.focal, source: 'given' as const }) : salientPoint(fromPixels(frame)).then((p) => ({ ...p, source: 'auto' as const }));
  void focal.then((f) => (extras.focal = f), () => {});
  const named = namedJobs(art, focal, formats, { base: frame, fromPixels, fromFile: () => openSource(still), encode: (image, format, from) => encode(image, format, task.policy, from, quality), relativeCost: RELATIVE_COST, invalid: asInvalidImage });
  return { jobs: [...jobs, ...named], quality };
}
