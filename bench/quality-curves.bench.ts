/**
 * `npm run bench:quality-curves`: how far `quality: "auto"` is from the best any choice of quality could
 * do on the corpus (test/support/real-photos.ts). For every picture it measures the whole curve — bytes
 * and SSIMULACRA 2 of WebP (effort 4) at every quality 40–80, at 320 and 1024 px, each size resized from
 * the pipeline's intermediate as jobs.ts makes it — and then, with no further encodes:
 *
 * - the default search (AUTO_TARGET, AUTO_BOUNDS) replayed on the 320-px curve: at 320 px the probe is
 *   the file's input, so this is exactly the quality the pipeline chooses;
 * - "exact search": the lowest quality reaching a target at 320 px, as a search with unlimited probes;
 * - "one quality, both sizes known": per picture the lowest single quality whose files hold a floor at
 *   both sizes (the bound of what one quality per image can do, however it is searched);
 * - "a quality per size": each size's lowest quality holding its floor.
 *
 * Goals as issue 26 states them: ≤ 0.85× q80's bytes at both sizes, p10 no lower than q80's p10 − 0.5.
 * `-- --write FILE` stores the curves (the 320-px ones are the fixture of quality-search.spec.ts).
 */
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { AUTO_BOUNDS, AUTO_TARGET } from '../src/modules/quality/auto-quality.ts';
import { chooseQuality } from '../src/modules/quality/quality-search.ts';
import { ssimulacra2 } from '../src/modules/quality/ssimulacra2.ts';
import { realPhotos } from '../test/support/real-photos.ts';
import { fromRgb, intermediate, quantile, resizedFrom, rgbPixels } from './corpus-pixels.ts';

sharp.concurrency(1);
sharp.cache(false);

const QUALITIES = Array.from({ length: 41 }, (_, i) => 40 + i);
const SIZES = [320, 1024] as const;
type Size = (typeof SIZES)[number];

export interface Curve {
  name: string;
  kind: string;
  /** Per size: score and bytes at QUALITIES[i] = 40 + i. */
  score: Record<Size, number[]>;
  bytes: Record<Size, number[]>;
}

const at = (c: Curve, size: Size, q: number) => ({ score: c.score[size][q - 40]!, bytes: c.bytes[size][q - 40]! });
const lowestReaching = (c: Curve, size: Size, floor: number) => QUALITIES.find((q) => at(c, size, q).score >= floor) ?? 80;

async function measure(): Promise<Curve[]> {
  const corpus = (['photo', 'render', 'flat'] as const).flatMap((k) => realPhotos(k));
  const curves: Curve[] = [];
  for (const [n, photo] of corpus.entries()) {
    process.stderr.write(`\r${n + 1}/${corpus.length} ${photo.name.padEnd(45)}`);
    const base = await intermediate(photo.path);
    const curve: Curve = { name: photo.name, kind: photo.kind, score: { 320: [], 1024: [] }, bytes: { 320: [], 1024: [] } };
    for (const size of SIZES) {
      const input = await resizedFrom(base, size);
      for (const q of QUALITIES) {
        const webp = await fromRgb(input).webp({ quality: q, effort: 4 }).toBuffer();
        curve.bytes[size].push(webp.length);
        curve.score[size].push(Math.round(ssimulacra2(input, await rgbPixels(sharp(webp))) * 1000) / 1000);
      }
    }
    curves.push(curve);
  }
  process.stderr.write('\n');
  return curves;
}

/** bytes × q80 and p10 − q80's p10 at each size, for a choice of quality per picture and size. */
function row(label: string, curves: Curve[], choose: (c: Curve, size: Size) => number): string {
  const cells = SIZES.map((size) => {
    const q80 = curves.reduce((s, c) => s + at(c, size, 80).bytes, 0);
    const bytes = curves.reduce((s, c) => s + at(c, size, choose(c, size)).bytes, 0) / q80;
    const d = quantile(curves.map((c) => at(c, size, choose(c, size)).score), 0.1) - quantile(curves.map((c) => at(c, size, 80).score), 0.1);
    const met = bytes <= 0.85 && d >= -0.5 ? 'met' : 'missed';
    return `${bytes.toFixed(3)} | ${d >= 0 ? '+' : ''}${d.toFixed(2)} | ${met}`;
  });
  return `| ${label} | ${cells.join(' | ')} |`;
}

async function main() {
  const curves = await measure();
  const write = process.argv.indexOf('--write');
  if (write >= 0) writeFileSync(process.argv[write + 1]!, `${JSON.stringify({ qualities: [QUALITIES[0], QUALITIES.at(-1)], curves }, null, 0)}\n`);
  const p10 = (size: Size) => quantile(curves.map((c) => at(c, size, 80).score), 0.1);
  console.log(`\n${curves.length} pictures; WebP effort 4; q80's p10 is ${p10(320).toFixed(2)} at 320 px and ${p10(1024).toFixed(2)} at 1024 px\n`);
  console.log('| quality per picture | 320: bytes × q80 | p10 − q80\'s | goals | 1024: bytes × q80 | p10 − q80\'s | goals |');
  console.log('| --- | ---: | ---: | --- | ---: | ---: | --- |');
  const searched = new Map<Curve, number>();
  for (const c of curves) searched.set(c, (await chooseQuality(async (q) => at(c, 320, q).score, AUTO_TARGET, AUTO_BOUNDS)).quality);
  console.log(row(`the default search (target ${AUTO_TARGET}, first probe ${AUTO_BOUNDS.start}, ±${AUTO_BOUNDS.tolerance})`, curves, (c) => searched.get(c)!));
  for (const target of [72, 72.5, 73]) console.log(row(`exact search, target ${target} at 320 px`, curves, (c) => lowestReaching(c, 320, target)));
  for (const slack of [0.5, 0.25, 0]) {
    const floor = (size: Size) => p10(size) - slack;
    console.log(row(`one quality, both sizes known: floors q80's p10 − ${slack}`, curves, (c) => Math.max(lowestReaching(c, 320, floor(320)), lowestReaching(c, 1024, floor(1024)))));
  }
  for (const slack of [0.5, 0.25, 0]) console.log(row(`a quality per size: floors q80's p10 − ${slack}`, curves, (c, size) => lowestReaching(c, size, p10(size) - slack)));
}

await main();
