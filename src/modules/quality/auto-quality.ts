/**
 * The pipeline's calls into quality (jobs.ts, stillJobs): the WebP qualities an image is encoded with.
 * A number is used as is for every file. "auto" searches (quality-search.ts) three times, each probe
 * encoding a variant made from the pipeline's own decoded pixels (no second read of the original) as
 * WebP at a quality, decoding it and scoring it with SSIMULACRA 2 against the variant:
 * - on a 320-px variant, the lowest quality reaching AUTO_TARGET, for the files up to
 *   SMALL_FILES_MAX_WIDTH, and on the same probes the lowest reaching FULL_TARGET, for the full-size
 *   file (encoderQualities, before any encode starts);
 * - then on the 1024-px file's own input, starting a little below the small files' answer, the lowest
 *   quality reaching LARGE_TARGET, for the files from 576 to 1280 px (largeFilesQuality, while the
 *   full-size encode already runs).
 * Runs in the worker thread: erasable TS, importing only sharp, siblings and the size table.
 */
import sharp, { type Raw } from 'sharp';
import { AVIF_SETTINGS, WEBP_QUALITY } from '../images/sizes.ts';
import { chooseQuality, firstProbe, type QualityBounds, type QualityChoice } from './quality-search.ts';
import type { QualitySetting } from './quality-setting.ts';
import { ssimulacra2, ssimulacra2Against, ssimulacra2Reference, type RgbImage } from './ssimulacra2.ts';

/**
 * The score to reach at the 320-px probe: 71.5. It sets the quality of the files up to 512 px wide; the
 * full size and the larger files have their own (FULL_TARGET, LARGE_TARGET). Chosen on the whole
 * corpus (32 pictures of test/support/real-photos.ts, docs/quality.md) for issue 26's goals, which bound
 * the 10th percentile rather than the median: at 320 and 1024 px, auto's p10 SSIMULACRA 2 no lower
 * than q80's p10 − 0.5, with as few bytes as that allows. Replayed on the committed curves
 * (test/fixtures/webp-score-curves.json) with both searches: 0.842× q80's bytes at 320 px (p10 −0.11)
 * and 0.823× at 1024 px (p10 +0.00); 72.5, the target when one quality served every size (it had to
 * hold the 1024-px files' p10 too), gives 0.876× at 320 px.
 */
export const AUTO_TARGET = 71.5;

/**
 * Where the 320-px search may go: never below 40 (banding on gradients) and never above 80, the default
 * (a picture that q80 leaves below the target keeps q80's look and bytes: raising it only ever cost
 * bytes, which is not what auto is for). First probe at 76: WebP's score curve is steep between 75
 * and 80 and flatter below, so from a first probe at 80 the search often runs out of probes above
 * the answer. At most 4 probes, stopping once the answer is known within 1 quality point: on the
 * committed curves a fourth probe saves 0.6 % of the bytes at 320 px (0.842× against 0.848×) now
 * that the 320-px answer no longer sets the 1024-px files' quality; each costs ~19 ms of CPU at 320 px
 * (encode, decode and score).
 */
export const AUTO_BOUNDS: QualityBounds = { min: 40, max: 80, start: 76, maxProbes: 4, tolerance: 1 };

/** Files up to this wide take the 320-px search's quality. */
export const SMALL_FILES_MAX_WIDTH = 512;

/**
 * The full-size file keeps what auto chose for every file before the larger files had their own
 * search: the lowest quality reaching 72.5 at the 320-px probe (3 probes, the first at 76, within 1
 * point), searched on the same probes as AUTO_TARGET's (a shared probe is encoded and scored once).
 * Its encode is the critical path of upload → ready, so it cannot wait for the 1024-px search, and the
 * bench measures no full-size file: 72.5 held the p10 of the 1024-px files when it set their quality,
 * where 71.5 loses 1.1 there, so the full size is not lowered with the small files.
 */
export const FULL_TARGET = 72.5;
export const FULL_BOUNDS: QualityBounds = { min: 40, max: 80, start: 76, maxProbes: 3, tolerance: 1 };

/**
 * The score the larger files' search reaches on the 1024-px file: 68.5, q80's p10 there on the
 * corpus. A 320-px score predicts the 1024-px one loosely (a target that holds the 1024-px p10 from
 * the 320-px probe leaves easy pictures ~5 % too many bytes), so they are searched on that file's own
 * input, the way its encode will see it.
 */
export const LARGE_TARGET = 68.5;

/** The larger files' search runs on this output (or the widest one below it, on a narrower image). */
export const LARGE_PROBE_WIDTH = 1024;

/**
 * The larger files' search: 3 probes between 40 and 80, the first 4 below the small files' answer (on
 * the committed curves the 1024-px answer is lower on 15 of the 32 pictures, the same on 9 and higher
 * on 8; starting there takes 2.5 probes per picture, for 0.823× q80's bytes at 1024 px; 3 or 5 below
 * give 0.833× or 0.828×, and 2 probes 0.869×).
 */
export function largeBounds(smallQuality: number): QualityBounds {
  return { min: 40, max: 80, start: Math.max(40, Math.min(80, smallQuality - 4)), maxProbes: 3, tolerance: 1 };
}

/**
 * The variant the first searches score on: this wide (the contract's 320 size), or the image's own
 * width if smaller. They run before any encode starts, so their time adds to upload → ready; at 320 px
 * a probe's metric takes ~5 ms (bench:metric). The 320-px probe is the 320-px file's own input.
 */
export const PROBE_WIDTH = 320;

/**
 * libwebp effort of the probes (sharp's default, as every file's). Higher efforts for the resized
 * files were measured (bench:quality `--autos 72:80:320:2:5`, docs/quality.md) and not taken.
 */
export const AUTO_EFFORT = 4;

/** Quality of the setting's default (contract §4). */
const DEFAULT_WEBP_QUALITY = WEBP_QUALITY;
/** AVIF's quality for WebP's default (images/sizes.ts AVIF_SETTINGS); other qualities scale with it. */
const AVIF_AT_DEFAULT = AVIF_SETTINGS.quality;

/** The AVIF quality that goes with a WebP quality (60 for 80, as AVIF_SETTINGS measured). */
export function avifQualityFor(webpQuality: number): number {
  return Math.max(1, Math.min(100, Math.round((webpQuality * AVIF_AT_DEFAULT) / DEFAULT_WEBP_QUALITY)));
}

/** A setting's quality when no search can run (animated images: "auto" takes the default). */
export function fixedQuality(setting: QualitySetting | undefined): number {
  return typeof setting === 'number' ? setting : DEFAULT_WEBP_QUALITY;
}

/** The qualities of an image's full-size file and of its files up to SMALL_FILES_MAX_WIDTH. */
export interface FullAndSmall {
  full: number;
  small: number;
}

/** The first hook: the WebP qualities for an image whose decoded pixels are `decoded` (a number: both it). */
export async function encoderQualities(setting: QualitySetting | undefined, decoded: { data: Buffer; raw: Raw | null }): Promise<FullAndSmall> {
  const fixed = fixedQuality(setting);
  if (setting !== 'auto') return { full: fixed, small: fixed };
  // a high-bit-depth decode is kept encoded (raw: null): the metric takes 8-bit sRGB
  const pixels = decoded.raw ? { data: decoded.data, raw: decoded.raw } : await eightBit(decoded.data);
  // the metric needs 8×8 at least: a tiny image or a thin strip takes the default
  if (Math.min(pixels.raw.width, pixels.raw.height, Math.round((pixels.raw.height * PROBE_WIDTH) / pixels.raw.width)) < 8) return { full: fixed, small: fixed };
  const { full, small } = await searchFullAndSmall(pixels);
  return { full, small };
}

/**
 * The searches for the full-size file and the small files, on one 320-px probe of `pixels` (also run
 * by bench/quality.bench.ts). A quality that reached the full size's higher target reaches the small
 * files' too, so the small files never take more than the full size.
 */
export async function searchFullAndSmall(pixels: { data: Buffer; raw: Raw }): Promise<FullAndSmall & { probes: number }> {
  const [small, full] = await searchWebpQualities(pixels, [
    { target: AUTO_TARGET, bounds: AUTO_BOUNDS },
    { target: FULL_TARGET, bounds: FULL_BOUNDS },
  ]);
  const probes = new Set([...small!.probes, ...full!.probes].map((p) => p.quality)).size;
  return { full: full!.quality, small: Math.min(small!.quality, full!.quality), probes };
}

/** The 1024-px file's input, as the larger files' search sees it. */
export interface LargeProbe {
  /** 8-bit pixels, 3 or 4 channels (what the metric compares the probes with). */
  pixels: RgbImage;
  /**
   * The pipeline's own WebP encode of these pixels at a quality (the file itself, so the probe at the
   * chosen quality can be kept as the file); absent when the file is not made from these pixels
   * (a wide-gamut image: its file keeps Display P3, the metric compares sRGB).
   */
  encode?: (quality: number) => Promise<Buffer>;
}

/**
 * The hook for the files wider than SMALL_FILES_MAX_WIDTH other than the full size: with "auto", the
 * lowest quality whose encode of the probe (the input of the 1024-px file) scores LARGE_TARGET,
 * searched from just below `smallQuality`, what encoderQualities chose for the small files, and the
 * probe's encode at that quality when it is the file's; with a number, that number.
 */
export async function largeFilesQuality(setting: QualitySetting | undefined, smallQuality: number, probe: () => Promise<LargeProbe>): Promise<{ quality: number; webp: Buffer | null }> {
  if (setting !== 'auto') return { quality: smallQuality, webp: null };
  const { pixels, encode } = await probe();
  // a thin strip (the metric needs 8×8) keeps the smaller files' quality
  if (pixels.width < 8 || pixels.height < 8) return { quality: smallQuality, webp: null };
  const [choice] = await searchOn(pixels, [{ target: LARGE_TARGET, bounds: largeBounds(smallQuality) }], AUTO_EFFORT, encode);
  return { quality: choice!.quality, webp: encode ? choice!.encoded : null };
}

async function eightBit(encoded: Buffer): Promise<{ data: Buffer; raw: Raw }> {
  const { data, info } = await sharp(encoded).toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, raw: { width: info.width, height: info.height, channels: info.channels as Raw['channels'] } };
}

/** What the search aims at and where it looks; bench/quality.bench.ts tries other values. */
export interface SearchOptions {
  target?: number;
  bounds?: QualityBounds;
  probeWidth?: number;
  /** libwebp effort of the probes' encodes (default AUTO_EFFORT). */
  effort?: number;
}

/**
 * One search on the probe (run by bench/quality.bench.ts, which also tries other efforts: `effort` is
 * then the one the picture's files would take — the probes' when a quality reached the target, else
 * undefined, i.e. 4, so a picture kept at the highest quality keeps q80's files exactly).
 */
export async function searchWebpQuality(pixels: { data: Buffer; raw: Raw }, options: SearchOptions = {}): Promise<QualityChoice & { effort: number | undefined }> {
  const { target = AUTO_TARGET, bounds = AUTO_BOUNDS, probeWidth = PROBE_WIDTH, effort = AUTO_EFFORT } = options;
  const [choice] = await searchWebpQualities(pixels, [{ target, bounds }], probeWidth, effort);
  const reached = choice!.score !== null && choice!.score >= target;
  return { ...choice!, effort: reached && effort !== 4 ? effort : undefined };
}

/** Several searches on one probe of `pixels` (probeWidth wide), one after the other, sharing their probes. */
export async function searchWebpQualities(pixels: { data: Buffer; raw: Raw }, searches: { target: number; bounds: QualityBounds }[], probeWidth = PROBE_WIDTH, effort = AUTO_EFFORT): Promise<QualityChoice[]> {
  return searchOn(await probeVariant(pixels, probeWidth), searches, effort);
}

/**
 * The lowest WebP quality (within each search's bounds) whose encode of `reference` scores the search's
 * target against it, and that encode when it was probed. A quality probed by an earlier search is not
 * encoded or scored again. `encodeWebp` replaces the plain encode of `reference` (effort `effort`).
 */
export async function searchOn(
  reference: RgbImage,
  searches: { target: number; bounds: QualityBounds }[],
  effort = AUTO_EFFORT,
  encodeWebp?: (quality: number) => Promise<Buffer>,
): Promise<(QualityChoice & { encoded: Buffer | null })[]> {
  const input = () => sharp(reference.data, { raw: { width: reference.width, height: reference.height, channels: reference.channels as Raw['channels'] } });
  const encodes = new Map<number, Promise<Buffer>>();
  const encodeAt = (quality: number) => {
    let webp = encodes.get(quality);
    if (!webp) encodes.set(quality, (webp = encodeWebp ? encodeWebp(quality) : input().webp({ quality, effort }).toBuffer()));
    return webp;
  };
  const encodeAndDecode = async (quality: number) => {
    const { data, info } = await sharp(await encodeAt(quality)).raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  };
  // the first probe's encode runs in libvips while this thread prepares the metric
  const first = firstProbe(searches[0]!.bounds);
  const firstEncode = encodeAndDecode(first);
  firstEncode.catch(() => {}); // awaited below; a failure surfaces there
  // an opaque probe's own side of the metric is computed once for all probes (same scores, ~40 % less work each)
  const prepared = reference.channels === 3 ? ssimulacra2Reference(reference) : null;
  const scores = new Map<number, Promise<number>>();
  const encodeAndScore = (quality: number) => {
    let score = scores.get(quality);
    if (!score) {
      score = (quality === first ? firstEncode : encodeAndDecode(quality)).then((decoded) =>
        prepared && decoded.channels === 3 ? ssimulacra2Against(prepared, decoded) : ssimulacra2(reference, decoded),
      );
      scores.set(quality, score);
    }
    return score;
  };
  const choices: (QualityChoice & { encoded: Buffer | null })[] = [];
  for (const { target, bounds } of searches) {
    const choice = await chooseQuality(encodeAndScore, target, bounds);
    choices.push({ ...choice, encoded: encodes.has(choice.quality) ? await encodes.get(choice.quality)! : null });
  }
  return choices;
}

async function probeVariant(pixels: { data: Buffer; raw: Raw }, probeWidth: number): Promise<RgbImage> {
  const { width, height, channels } = pixels.raw;
  if (width <= probeWidth && (channels === 3 || channels === 4)) return { data: pixels.data, width, height, channels };
  const probeHeight = Math.max(8, Math.round((height * probeWidth) / width));
  const { data, info } = await sharp(pixels.data, { raw: pixels.raw })
    .resize(Math.min(width, probeWidth), probeHeight, { fit: 'fill' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}
