/**
 * The encoder quality search of `quality: "auto"`: the lowest quality whose perceptual score reaches a
 * target, on a score curve that rises with quality. Pure: it knows nothing of encoders or pixels, only a
 * callback that encodes at a quality and scores the result (quality-probe.ts gives the real one).
 *
 * At most `maxProbes` calls. The first probe is at `start`; the next ones interpolate on the line
 * through the two nearest probes (a secant, or regula falsi once the target is bracketed), with a
 * typical slope assumed after the first probe; when interpolation is useless (a flat or falling
 * segment) it bisects the bracket. The answer is the lowest probed quality that reached the target,
 * or `max` when none did (never below the target on what was measured).
 */

export interface QualityBounds {
  min: number;
  max: number;
  /** Where the first probe goes (default: the middle). */
  start?: number;
  /** Default 4. */
  maxProbes?: number;
  /**
   * Stop once the lowest passing quality is at most this far above the highest failing one plus 1
   * (default 0: search to the exact quality). Each probe costs a metric run; a point or two of
   * quality costs ~1–2 % of the bytes.
   */
  tolerance?: number;
}

export interface QualityProbe {
  quality: number;
  score: number;
}

export interface QualityChoice {
  quality: number;
  /** Score at `quality` when it was probed (null when `max` was taken without probing it). */
  score: number | null;
  probes: QualityProbe[];
}

/** Score points per quality point assumed before two probes give a measured slope (WebP near q80 on photos). */
const ASSUMED_SLOPE = 0.45;

export async function chooseQuality(encodeAndScore: (quality: number) => Promise<number>, target: number, bounds: QualityBounds): Promise<QualityChoice> {
  const { min, max } = bounds;
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 1 && max <= 100 && min <= max)) throw new Error('chooseQuality: bounds must be integers with 1 ≤ min ≤ max ≤ 100');
  const maxProbes = Math.max(1, bounds.maxProbes ?? 4);
  const probes: QualityProbe[] = [];
  let next = firstProbe(bounds);
  while (probes.length < maxProbes) {
    const score = await encodeAndScore(next);
    probes.push({ quality: next, score });
    const pass = probes.filter((p) => p.score >= target).sort((a, b) => a.quality - b.quality)[0];
    const fail = probes.filter((p) => p.score < target).sort((a, b) => b.quality - a.quality)[0];
    const lo = fail ? fail.quality + 1 : min; // lowest quality that may still pass
    const hi = pass ? pass.quality - 1 : max; // highest quality still worth probing
    if (lo > hi) break; // pass.quality is the answer (or max when nothing passed and nothing is left)
    if (pass && pass.quality - lo <= (bounds.tolerance ?? 0)) break; // close enough: take pass
    const guess = interpolate(probes, target, pass, fail);
    next = clamp(guess, lo, hi);
    if (probes.some((p) => p.quality === next)) break;
  }
  const best = probes.filter((p) => p.score >= target).sort((a, b) => a.quality - b.quality)[0];
  if (best) return { quality: best.quality, score: best.score, probes };
  const atMax = probes.find((p) => p.quality === max);
  return { quality: max, score: atMax?.score ?? null, probes };
}

/** Where chooseQuality probes first (callers may start that encode early). */
export function firstProbe(bounds: QualityBounds): number {
  return clamp(Math.round(bounds.start ?? (bounds.min + bounds.max) / 2), bounds.min, bounds.max);
}

/** The quality where the score should meet the target, rounded up (toward passing). */
function interpolate(probes: QualityProbe[], target: number, pass: QualityProbe | undefined, fail: QualityProbe | undefined): number {
  if (pass && fail) {
    // regula falsi inside the bracket; bisection when the segment does not rise
    if (pass.score <= fail.score) return Math.ceil((pass.quality + fail.quality) / 2);
    return Math.ceil(fail.quality + ((target - fail.score) * (pass.quality - fail.quality)) / (pass.score - fail.score));
  }
  const last = probes[probes.length - 1]!;
  let slope = ASSUMED_SLOPE;
  if (probes.length >= 2) {
    const [a, b] = [...probes].sort((x, y) => Math.abs(x.score - target) - Math.abs(y.score - target));
    const measured = (b!.score - a!.score) / (b!.quality - a!.quality);
    if (Number.isFinite(measured) && measured > 0.05) slope = measured;
  }
  return Math.ceil(last.quality + (target - last.score) / slope);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
