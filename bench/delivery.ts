/**
 * bench:pipeline's delivery rows (issue 12): the pipeline with and without its placeholder, and
 * with AVIF on against WebP alone, each pair side by side in the same run, runs interleaved so a
 * change in the machine's load hits both sides alike.
 */
import type { ProcessingPool, ProcessOptions, ProcessResult } from '../src/modules/processing/pool.ts';
import type { SourceGeometry } from '../src/modules/processing/variant-plan.ts';
import type { SourceFormat } from '../src/modules/images/formats.ts';
import { AVIF_SETTINGS, WEBP_QUALITY } from '../src/modules/images/sizes.ts';
import { formatTable, median, ms } from './measure.ts';

type Geometry = SourceGeometry & { format: SourceFormat };

/** Median wall time of each option set, runs alternating between them after one warm-up each. */
async function sideBySide(pool: ProcessingPool, path: string, geometry: Geometry, runs: number, variants: ProcessOptions[]) {
  const last: ProcessResult[] = [];
  for (const options of variants) last.push(await pool.process(path, geometry, undefined, options));
  const times = variants.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [v, options] of variants.entries()) {
      const start = performance.now();
      last[v] = await pool.process(path, geometry, undefined, options);
      times[v]!.push(performance.now() - start);
    }
  }
  return variants.map((_, v) => ({ ms: median(times[v]!), result: last[v]! }));
}

const bytesOf = (result: ProcessResult, format: string, full?: boolean) =>
  result.outputs.filter((o) => o.format === format && (full === undefined || o.sizes.includes(0) === full)).reduce((sum, o) => sum + o.bytes.byteLength * o.sizes.length, 0);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const pct = (a: number, b: number) => `${a >= b ? '+' : '−'}${Math.abs((100 * (a - b)) / b).toFixed(1)}%`;

export async function deliveryRows(pool: ProcessingPool, label: string, path: string, geometry: Geometry, runs: number): Promise<string> {
  const [without, withPlaceholder] = await sideBySide(pool, path, geometry, runs, [{ placeholder: false }, { placeholder: true }]);
  const [webp, both] = await sideBySide(pool, path, geometry, Math.max(3, Math.ceil(runs / 2)), [{}, { formats: ['webp', 'avif'] }]);
  const p = withPlaceholder!.result.placeholder!;
  const rows = [
    ['delivery rows, ' + label, 'wall', 'vs baseline', 'bytes (12 sizes)', 'full size', '11 resized'],
    ['without placeholder', ms(without!.ms), '', '', '', ''],
    ['with placeholder (the service)', ms(withPlaceholder!.ms), pct(withPlaceholder!.ms, without!.ms), '', '', ''],
    [`WebP q${WEBP_QUALITY} only`, ms(webp!.ms), '', kb(bytesOf(webp!.result, 'webp')), kb(bytesOf(webp!.result, 'webp', true)), kb(bytesOf(webp!.result, 'webp', false))],
    [`WebP + AVIF q${AVIF_SETTINGS.quality} e${AVIF_SETTINGS.effort}`, ms(both!.ms), pct(both!.ms, webp!.ms), `AVIF ${kb(bytesOf(both!.result, 'avif'))}`, kb(bytesOf(both!.result, 'avif', true)), kb(bytesOf(both!.result, 'avif', false))],
  ];
  const avifVsWebp = pct(bytesOf(both!.result, 'avif'), bytesOf(webp!.result, 'webp'));
  return `${formatTable(rows)}\nAVIF bytes vs WebP over the 12 sizes: ${avifVsWebp}; placeholder target ≤ 3% slower: ${pct(withPlaceholder!.ms, without!.ms)} ${withPlaceholder!.ms <= 1.03 * without!.ms ? 'met' : 'MISSED'}\nplaceholder of this image: thumbhash ${p.thumbhash}, color ${p.color}, dataUrl ${p.dataUrl.length} bytes: ${p.dataUrl}`;
}
