/**
 * `npm run bench:quality`: encoder settings and `quality: "auto"` measured with SSIMULACRA 2 on the
 * real-picture corpus (test/support/real-photos.ts: camera photos, renders, flat art), at the sizes
 * 320 and 1024. Per configuration: total bytes, p10 and median score, CPU seconds (this process, all
 * threads: sharp at one libvips thread as in the pool); `cwebp -q 80 -m 4` (Debian's webp) side by
 * side as the external baseline, in the same run. Then the goals: auto against q80 (bytes, p10, CPU),
 * and AVIF at parity with WebP q80 (bytes at the same median score, interpolated between qualities).
 *
 * Options: `-- --limit N` (the first N pictures of each kind), `-- --sizes 320,1024`, `-- --inputs
 * original` (each size resized from the original, and the search on a 1024-px decode: the method of
 * the tables before 5 Dec 2026; by default both come from the pipeline's intermediate, as in jobs.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { AUTO_BOUNDS, AUTO_EFFORT, AUTO_TARGET, LARGE_PROBE_WIDTH, LARGE_TARGET, largeBounds, PROBE_WIDTH, searchFullAndSmall, searchOn, searchWebpQuality, SMALL_FILES_MAX_WIDTH, type SearchOptions } from '../src/modules/quality/auto-quality.ts';
import { ssimulacra2 } from '../src/modules/quality/ssimulacra2.ts';
import { realPhotos, type RealPhoto } from '../test/support/real-photos.ts';
import { fromRgb, intermediate, quantile, resizedFrom, rgbPixels } from './corpus-pixels.ts';
import { flag, option } from './args.ts';

sharp.concurrency(1);
sharp.cache(false);

const limit = Number(option('limit') ?? Infinity);
/** Where each size's input comes from: `pipeline` (default) or `original` (the method before 5 Dec 2026). */
const INPUTS = option('inputs') === 'original' ? 'original' : 'pipeline';
const SIZES = (option('sizes') ?? '320,1024').split(',').map(Number);
/**
 * Other searches for auto besides the default (`-- --autos 70:92:512:0,68:85:384:2:6:75:4`: target, highest
 * quality, probe width, tolerance, the effort of the probes and of the encodes, the first probe, the most probes), and `--auto-only`
 * to skip the encoder settings.
 */
interface AutoSpec extends SearchOptions {
  label: string;
  /** The pipeline's auto: the small files at the 320-px answer, the larger ones searched on the 1024-px file. */
  pipeline?: boolean;
}
const spec = (target: number, max: number, probeWidth: number, tolerance: number, label: string, effort = AUTO_EFFORT, start = AUTO_BOUNDS.start ?? max, maxProbes = AUTO_BOUNDS.maxProbes): AutoSpec => ({
  label,
  target,
  probeWidth,
  effort,
  bounds: { ...AUTO_BOUNDS, max, start: Math.min(start, max), tolerance, maxProbes },
});
// `--autos-only`: only the searches of --autos, not the default one
const AUTO_SPECS: AutoSpec[] = [
  ...(flag('autos-only')
    ? []
    : [{ ...spec(AUTO_TARGET, AUTO_BOUNDS.max, PROBE_WIDTH, AUTO_BOUNDS.tolerance ?? 0, `webp auto (the pipeline's: ≤ ${SMALL_FILES_MAX_WIDTH} px target ${AUTO_TARGET} at ${PROBE_WIDTH} px, larger files ${LARGE_TARGET} on the ${LARGE_PROBE_WIDTH}-px file)`), pipeline: true }]),
  ...(option('autos') ?? '').split(',').filter(Boolean).map((text) => {
    const [target, max, width, tolerance, effort, start, probes] = text.split(':').map(Number);
    const first = start ?? AUTO_BOUNDS.start ?? max ?? AUTO_BOUNDS.max;
    const maxProbes = probes ?? AUTO_BOUNDS.maxProbes;
    return spec(target!, max ?? AUTO_BOUNDS.max, width ?? PROBE_WIDTH, tolerance ?? 0, `webp auto, target ${target} max ${max ?? AUTO_BOUNDS.max} probe ${width ?? PROBE_WIDTH} tol ${tolerance ?? 0} effort ${effort ?? AUTO_EFFORT} first ${first} probes ≤ ${maxProbes}`, effort ?? AUTO_EFFORT, first, maxProbes);
  }),
];
const AUTO_ONLY = flag('auto-only');

interface Config {
  label: string;
  /** auto only: which search (index into AUTO_SPECS). */
  auto?: number;
  /** Encodes `input` (the picture at one size); for auto, `quality` is what the search chose. */
  encode: (input: Sharp, quality: number, effort: number | undefined) => Sharp;
  kind: 'sharp' | 'cwebp' | 'auto';
}

const webp = (label: string, options: Parameters<Sharp['webp']>[0]): Config => ({ label, kind: 'sharp', encode: (i) => i.webp({ quality: 80, ...options }) });
const avif = (label: string, quality: number, tune: 'ssim' | 'iq', effort = 2): Config => ({
  label,
  kind: 'sharp',
  encode: (i) => i.avif({ quality, effort, chromaSubsampling: '4:2:0', tune }),
});

/** AVIF qualities measured for each tune: parity with WebP q80 is interpolated between them. */
const AVIF_QUALITIES = [45, 50, 55, 60, 65, 75];

const ALL_CONFIGS: Config[] = [
  webp('webp q80 effort 4 (default)', {}),
  webp('webp q80 effort 2', { effort: 2 }),
  webp('webp q80 effort 6', { effort: 6 }),
  webp('webp q80 smartSubsample', { smartSubsample: true }),
  webp('webp q80 preset photo', { preset: 'photo' }),
  { label: 'cwebp -q 80 -m 4 (external)', kind: 'cwebp', encode: (i) => i },
  ...AUTO_SPECS.map((a, auto): Config => ({ label: a.label, kind: 'auto', auto, encode: (i, q, effort) => i.webp({ quality: q, effort: effort ?? 4 }) })),
  // tune iq is what the pipeline's files get (sharp's default 'auto' is iq for lossy AV1: the same bytes)
  ...AVIF_QUALITIES.map((q) => avif(`avif q${q} effort 2 tune iq`, q, 'iq')),
  ...AVIF_QUALITIES.map((q) => avif(`avif q${q} effort 2 tune ssim`, q, 'ssim')),
  avif('avif q60 effort 4 tune iq', 60, 'iq', 4),
];
const CONFIGS = ALL_CONFIGS.filter((c) => !AUTO_ONLY || c.kind === 'auto' || c.label.startsWith('webp q80 effort 4'));

interface Row {
  bytes: number;
  scores: number[];
  cpu: number;
}

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
/** CPU seconds of this process's waited-for children (cutime + cstime). */
const childCpu = () => {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
};


async function main() {
  const kinds = ['photo', 'render', 'flat'] as const;
  const corpus: RealPhoto[] = kinds.flatMap((k) => realPhotos(k).slice(0, limit));
  const tmp = mkdtempSync(join(tmpdir(), 'optimage-quality-bench-'));
  const results = new Map<string, Row>(); // `${size}|${label}`
  const autoQualities: number[][] = AUTO_SPECS.map(() => []);
  const largeQualities: number[][] = AUTO_SPECS.map(() => []); // the pipeline's auto: the larger files'
  const chosen = new Map<number, { quality: number; effort: number | undefined; large?: number }>(); // auto spec → encoding, per picture
  const searchCpu = AUTO_SPECS.map(() => 0);
  const probeCounts = AUTO_SPECS.map(() => 0);
  try {
    for (const [n, photo] of corpus.entries()) {
      process.stderr.write(`\r${n + 1}/${corpus.length} ${photo.name.padEnd(45)}`);
      // the search, as the pipeline runs it: on the pixels every resized file is made from (the
      // intermediate of jobs.ts: a camera photo decoded to 1.5–2× the largest resized width, a
      // smaller picture at its own size); `--inputs original`: the earlier method, searching a
      // 1024-px decode while each size's input came from the original on its own
      const base = await intermediate(photo.path, INPUTS === 'original' ? 1024 : undefined);
      const basePixels = { data: base.data, raw: { width: base.width, height: base.height, channels: 3 as const } };
      for (const [a, options] of AUTO_SPECS.entries()) {
        const searchStart = cpuNow();
        if (options.pipeline) {
          // as jobs.ts: the small files' and the full size's searches on shared 320-px probes, then the
          // larger files' on the 1024-px file's input, started from the small files' answer
          const { small, probes } = await searchFullAndSmall(basePixels);
          const [large] = await searchOn(await resizedFrom(base, LARGE_PROBE_WIDTH), [{ target: LARGE_TARGET, bounds: largeBounds(small) }]);
          searchCpu[a]! += cpuNow() - searchStart;
          probeCounts[a]! += probes + large!.probes.length;
          autoQualities[a]!.push(small);
          largeQualities[a]!.push(large!.quality);
          chosen.set(a, { quality: small, effort: undefined, large: large!.quality });
          continue;
        }
        const choice = await searchWebpQuality(basePixels, options);
        searchCpu[a]! += cpuNow() - searchStart;
        probeCounts[a]! += choice.probes.length;
        autoQualities[a]!.push(choice.quality);
        chosen.set(a, { quality: choice.quality, effort: choice.effort });
      }
      for (const size of SIZES) {
        // each size's input (and the reference its encodes are scored against): as resizeTo makes it
        // from the intermediate, or (`--inputs original`) resized from the original
        const original = INPUTS === 'original' ? await rgbPixels(sharp(photo.path).autoOrient().toColourspace('srgb').resize(size)) : await resizedFrom(base, size);
        const input = () => fromRgb(original);
        const pngPath = join(tmp, 'in.png');
        for (const config of CONFIGS) {
          let bytes: Buffer;
          let cpu: number;
          if (config.kind === 'cwebp') {
            await input().png({ compressionLevel: 0 }).toFile(pngPath);
            const before = childCpu();
            execFileSync('cwebp', ['-quiet', '-q', '80', '-m', '4', pngPath, '-o', join(tmp, 'out.webp')]);
            cpu = childCpu() - before;
            bytes = readFileSync(join(tmp, 'out.webp'));
          } else {
            const start = cpuNow();
            const auto = config.auto === undefined ? undefined : chosen.get(config.auto);
            const quality = auto?.large !== undefined && size > SMALL_FILES_MAX_WIDTH ? auto.large : auto?.quality;
            bytes = await config.encode(input(), quality ?? 80, auto?.effort).toBuffer();
            cpu = cpuNow() - start;
          }
          const score = ssimulacra2(original, await rgbPixels(sharp(bytes)));
          const key = `${size}|${config.label}`;
          const row = results.get(key) ?? { bytes: 0, scores: [], cpu: 0 };
          row.bytes += bytes.length;
          row.scores.push(score);
          row.cpu += cpu;
          results.set(key, row);
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  process.stderr.write('\n');
  report(corpus.length, results, autoQualities, largeQualities, searchCpu, probeCounts);
}

function report(pictures: number, results: Map<string, Row>, autoQualities: number[][], largeQualities: number[][], searchCpu: number[], probeCounts: number[]) {
  console.log(`\n${pictures} pictures; scores are SSIMULACRA 2 against the picture at that size; CPU = encode seconds (auto: + its search, counted once below)\n`);
  for (const size of SIZES) {
    const base = results.get(`${size}|${CONFIGS[0]!.label}`)!;
    console.log(`size ${size}`);
    console.log('| configuration | bytes | × q80 | p10 | median | CPU s | × q80 |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const config of CONFIGS) {
      const r = results.get(`${size}|${config.label}`)!;
      const cells = [config.label, r.bytes, (r.bytes / base.bytes).toFixed(3), quantile(r.scores, 0.1).toFixed(2), quantile(r.scores, 0.5).toFixed(2), r.cpu.toFixed(2), (r.cpu / base.cpu).toFixed(2)];
      console.log(`| ${cells.join(' | ')} |`);
    }
    console.log('');
  }
  for (const [a, auto] of AUTO_SPECS.entries()) {
    const q = [...autoQualities[a]!].sort((x, y) => x - y);
    console.log(`${auto.label}: chosen qualities p10 ${quantile(q, 0.1)}, median ${quantile(q, 0.5)}, p90 ${quantile(q, 0.9)} (${q.join(' ')}); search CPU ${(searchCpu[a]! / pictures).toFixed(3)} s and ${(probeCounts[a]! / pictures).toFixed(2)} probes per picture`);
    const large = [...largeQualities[a]!].sort((x, y) => x - y);
    if (large.length > 0) console.log(`  the files wider than ${SMALL_FILES_MAX_WIDTH} px: p10 ${quantile(large, 0.1)}, median ${quantile(large, 0.5)}, p90 ${quantile(large, 0.9)} (${large.join(' ')})`);
  }
  console.log('\nGoals (auto ≤ 0.85× the bytes of q80, p10 ≥ q80\'s p10 − 0.5)');
  for (const size of SIZES) {
    const q80 = results.get(`${size}|${CONFIGS[0]!.label}`)!;
    for (const auto of AUTO_SPECS) {
      const r = results.get(`${size}|${auto.label}`)!;
      const bytes = r.bytes / q80.bytes;
      const d = quantile(r.scores, 0.1) - quantile(q80.scores, 0.1);
      const met = bytes <= 0.85 && d >= -0.5 ? 'both met' : 'MISSED';
      console.log(`- size ${size}, ${auto.label}: bytes ${bytes.toFixed(3)}× q80, p10 ${d >= 0 ? '+' : ''}${d.toFixed(2)} (${quantile(r.scores, 0.1).toFixed(2)} vs ${quantile(q80.scores, 0.1).toFixed(2)}), median ${quantile(r.scores, 0.5).toFixed(2)} vs ${quantile(q80.scores, 0.5).toFixed(2)}: ${met}`);
    }
    if (AUTO_ONLY) continue;
    // AVIF (effort 2, each tune) at the median score of WebP q80: bytes and quality interpolated between its qualities
    const target = quantile(q80.scores, 0.5);
    for (const tune of ['iq', 'ssim'] as const) {
      const points = AVIF_QUALITIES.map((aq) => ({ quality: aq, row: results.get(`${size}|avif q${aq} effort 2 tune ${tune}`)! })).map(({ quality, row: r }) => ({ quality, score: quantile(r.scores, 0.5), bytes: r.bytes }));
      const above = points.findIndex((p) => p.score >= target);
      const name = `AVIF effort 2 tune ${tune}${tune === 'iq' ? " (the pipeline's)" : ''} at WebP q80's median score (${target.toFixed(2)})`;
      if (above > 0) {
        const [a, b] = [points[above - 1]!, points[above]!];
        const t = (target - a.score) / (b.score - a.score);
        const bytes = a.bytes + t * (b.bytes - a.bytes);
        console.log(`  ${name}: quality ${(a.quality + t * (b.quality - a.quality)).toFixed(1)}, ${(bytes / q80.bytes).toFixed(3)}× the bytes (goal ≤ 0.80)`);
      } else {
        console.log(`  ${name}: outside the measured qualities`);
      }
    }
  }
  const searchPerImage = searchCpu[0]! / pictures;
  console.log(`- the default search costs ${searchPerImage.toFixed(2)} s of CPU per image (the whole pipeline with auto against q80, 12 MP: bench:pipeline's quality row; goal ≤ 1.3×)`);
}

await main();
