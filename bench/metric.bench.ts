/**
 * `npm run bench:metric`: the speed of SSIMULACRA 2 (src/modules/quality/ssimulacra2.ts) where `auto`
 * uses it, one thread: a real photo (Dragonfly, the corpus' most detailed) at 320×240 and 1024×768,
 * WebP q80 of it decoded, and per size the median over runs of
 * - preparing the original (`ssimulacra2Reference`), scoring an encode against it (`ssimulacra2Against`)
 *   and a whole pair (`ssimulacra2`);
 * - side by side in the same run, the rest of a probe: the WebP encode (q80, effort 4, one libvips
 *   thread as in the pool) and its decode, so the metric's share of a probe is a ratio on this machine.
 *
 * `-- --baseline <file>`: another build's compiled ssimulacra2.js (a worktree's
 * dist/src/modules/quality/ssimulacra2.js), timed alternately with this one; scores are printed for both.
 * `-- --runs N` (default 15).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import * as current from '../src/modules/quality/ssimulacra2.ts';
import { realPhotos } from '../test/support/real-photos.ts';
import { option } from './args.ts';

type Metric = Pick<typeof current, 'ssimulacra2' | 'ssimulacra2Reference' | 'ssimulacra2Against'>;

sharp.concurrency(1);
sharp.cache(false);

const RUNS = Number(option('runs') ?? 15);
const baselinePath = option('baseline');
const implementations: { name: string; metric: Metric }[] = [{ name: 'this build', metric: current }];
if (baselinePath) implementations.push({ name: `baseline (${baselinePath})`, metric: (await import(pathToFileURL(baselinePath).href)) as Metric });

const photo = realPhotos('photo').find((p) => p.name === 'Dragonfly_by_Bolly.jpg')!;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const time = async (run: () => unknown) => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

console.log(`SSIMULACRA 2 speed, ${photo.name}, median of ${RUNS} runs, one thread (ms)`);
for (const width of [320, 1024]) {
  const { data, info } = await sharp(photo.path).resize(width).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const original = { data, width: info.width, height: info.height, channels: 3 };
  const input = () => sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } });
  const webp = await input().webp({ quality: 80, effort: 4 }).toBuffer();
  const decode = async () => ({ data: await sharp(webp).raw().toBuffer(), width: info.width, height: info.height, channels: 3 });
  const distorted = await decode();
  const rows = implementations.map(({ name, metric }) => ({ name, metric, prepare: [] as number[], score: [] as number[], pair: [] as number[], value: 0 }));
  const encode: number[] = [];
  const decodeTimes: number[] = [];
  for (let run = 0; run < RUNS + 2; run++) {
    const warm = run < 2;
    for (const row of rows) {
      let prepared: ReturnType<Metric['ssimulacra2Reference']> | null = null;
      const p = await time(() => (prepared = row.metric.ssimulacra2Reference(original)));
      const s = await time(() => (row.value = row.metric.ssimulacra2Against(prepared!, distorted)));
      const w = await time(() => row.metric.ssimulacra2(original, distorted));
      if (warm) continue;
      row.prepare.push(p);
      row.score.push(s);
      row.pair.push(w);
    }
    const e = await time(() => input().webp({ quality: 80, effort: 4 }).toBuffer());
    const d = await time(decode);
    if (warm) continue;
    encode.push(e);
    decodeTimes.push(d);
  }
  const enc = median(encode);
  console.log(`\n${info.width}×${info.height}: WebP q80 encode ${enc.toFixed(1)} ms, decode ${median(decodeTimes).toFixed(1)} ms (the rest of a probe)`);
  console.log('| implementation | prepare | score against it | whole pair | score ÷ encode | score |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(`| ${row.name} | ${median(row.prepare).toFixed(1)} | ${median(row.score).toFixed(1)} | ${median(row.pair).toFixed(1)} | ${(median(row.score) / enc).toFixed(2)}× | ${row.value.toFixed(6)} |`);
  }
  if (rows.length > 1) {
    const [a, b] = rows;
    console.log(`this build ÷ baseline: prepare ${(median(a!.prepare) / median(b!.prepare)).toFixed(2)}×, score ${(median(a!.score) / median(b!.score)).toFixed(2)}×, whole pair ${(median(a!.pair) / median(b!.pair)).toFixed(2)}×`);
  }
}
