/**
 * The pipeline's one call into quality (pipeline.ts, stillJobs): the WebP quality an image is encoded
 * with. A number is used as is; "auto" searches it (quality-search.ts) on a small (320 px) variant made from
 * the pipeline's own decoded pixels (no second read of the original): each probe encodes that variant
 * as WebP at a quality, decodes it and scores it with SSIMULACRA 2 against the variant, and the lowest
 * quality reaching AUTO_TARGET is then used for every size. Runs in the worker thread: erasable TS,
 * importing only sharp, siblings and the size table.
 */
import sharp, { type Raw } from 'sharp';
import { AVIF_SETTINGS, WEBP_QUALITY } from '../images/sizes.ts';
import { chooseQuality, firstProbe, type QualityBounds, type QualityChoice } from './quality-search.ts';
import type { QualitySetting } from './quality-setting.ts';
import { ssimulacra2, ssimulacra2Against, ssimulacra2Reference, type RgbImage } from './ssimulacra2.ts';

/**
 * The score to reach at the probe width: 72.5, chosen on the whole corpus (32 pictures of
 * test/support/real-photos.ts, `npm run bench:quality`, docs/quality.md) for issue 26's goals, which
 * bound the 10th percentile rather than the median: at 320 and 1024 px, auto's p10 SSIMULACRA 2 no
 * lower than q80's p10 − 0.5, with as few bytes as that allows. Measured on the files as the
 * pipeline makes them (every size resized from the one intermediate the probe comes from), 72.5 is
 * the lowest target that holds the p10 at both sizes (+0.00 and +0.00), for 0.876× and 0.887× q80's
 * bytes; 72 held it at 320 px but lost 0.9 at 1024. Each half of the corpus alone picks the same
 * target. Short of the 0.85× goal: `npm run bench:quality-curves` shows that no single quality per
 * image can meet it on this corpus, even one chosen knowing every size's score (0.852× at 1024 px
 * with the p10 0.4 under): it takes a quality per size.
 */
export const AUTO_TARGET = 72.5;

/**
 * Where the search may go: never below 40 (banding on gradients) and never above 80, the default
 * (a picture that q80 leaves below the target keeps q80's look and bytes: raising it only ever cost
 * bytes, which is not what auto is for). First probe at 76: WebP's score curve is steep between 75
 * and 80 and flatter below, so from a first probe at 80 the search often runs out of probes above
 * the answer (seeding, Wine, greentock: 80 where 73–76 pass). At most 3 probes, stopping once the
 * answer is known within 1 quality point: on the corpus' curves (test/fixtures/webp-score-curves.json)
 * it ends within a point of the lowest passing quality on 25 of the 32 pictures (27 with a fourth
 * probe, 23 for the earlier default: first probe 80, 4 probes, ±2), for 0.876× q80's bytes at 320 px
 * with 2.63 probes per picture. A fourth probe would save 0.1 % of the bytes for 0.34 more probes
 * per picture, and the search is the part of auto that adds to upload → ready (goal ≤ 1.15× q80's).
 */
export const AUTO_BOUNDS: QualityBounds = { min: 40, max: 80, start: 76, maxProbes: 3, tolerance: 1 };

/**
 * The variant the search scores on: this wide (the contract's 320 size), or the image's own width if
 * smaller. The search runs before any encode starts, so its time adds to upload → ready: at 320 px
 * it costs ~0.08 s of CPU per image (bench:quality), a third of what it costs at 512, and on this corpus the
 * scores at 320 px predict both sizes' p10 better than at 512 (a 512-px probe at target 70 held the
 * p10 at 1024 px but dropped it by 3.7 points at 320).
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

/** The hook: the WebP quality for an image whose decoded pixels are `pixels`. */
export async function encoderQuality(setting: QualitySetting | undefined, decoded: { data: Buffer; raw: Raw | null }): Promise<number> {
  if (setting !== 'auto') return fixedQuality(setting);
  // a high-bit-depth decode is kept encoded (raw: null): the metric takes 8-bit sRGB
  const pixels = decoded.raw ? { data: decoded.data, raw: decoded.raw } : await eightBit(decoded.data);
  // the metric needs 8×8 at least: a tiny image or a thin strip takes the default
  if (Math.min(pixels.raw.width, pixels.raw.height, Math.round((pixels.raw.height * PROBE_WIDTH) / pixels.raw.width)) < 8) return DEFAULT_WEBP_QUALITY;
  return (await searchWebpQuality(pixels)).quality;
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
 * The search itself (also run by bench/quality.bench.ts, which also tries other efforts: `effort` is
 * then the one the picture's files would take — the probes' when a quality reached the target, else
 * undefined, i.e. 4, so a picture kept at the highest quality keeps q80's files exactly).
 */
export async function searchWebpQuality(pixels: { data: Buffer; raw: Raw }, options: SearchOptions = {}): Promise<QualityChoice & { effort: number | undefined }> {
  const { target = AUTO_TARGET, bounds = AUTO_BOUNDS, probeWidth = PROBE_WIDTH, effort = AUTO_EFFORT } = options;
  const reference = await probeVariant(pixels, probeWidth);
  const input = () => sharp(reference.data, { raw: { width: reference.width, height: reference.height, channels: reference.channels as Raw['channels'] } });
  const encodeAndDecode = async (quality: number) => {
    const webp = await input().webp({ quality, effort }).toBuffer();
    const { data, info } = await sharp(webp).raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  };
  // the first probe's encode runs in libvips while this thread prepares the metric: the search's
  // time adds to upload → ready
  const first = firstProbe(bounds);
  const firstEncode = encodeAndDecode(first);
  firstEncode.catch(() => {}); // awaited below; a failure surfaces there
  // an opaque probe's own side of the metric is computed once for all probes (same scores, ~40 % less work each)
  const prepared = reference.channels === 3 ? ssimulacra2Reference(reference) : null;
  const encodeAndScore = async (quality: number) => {
    const decoded = await (quality === first ? firstEncode : encodeAndDecode(quality));
    return prepared && decoded.channels === 3 ? ssimulacra2Against(prepared, decoded) : ssimulacra2(reference, decoded);
  };
  const choice = await chooseQuality(encodeAndScore, target, bounds);
  const reached = choice.score !== null && choice.score >= target;
  return { ...choice, effort: reached && effort !== 4 ? effort : undefined };
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
