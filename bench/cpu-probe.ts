/**
 * One CPU measurement for `bench:pipeline`, in a process of its own so that its allocator and V8
 * settings are the ones given in its environment (they are process-wide and fixed at start): the
 * whole process's CPU seconds (all threads: main, pool, libuv, libvips, GC) per image, and the median
 * wall time, for `ours` (ProcessingPool, one image at a time, as the service runs it) or `naive` (12
 * independent sharp calls from the file, one libvips thread like the pool's).
 * `node dist/bench/cpu-probe.js ours|naive <file> <runs> [quality]`; prints one line of JSON.
 * `ours <file> <runs> 80,auto`: the pool alternates the qualities run by run (the order flipped every
 * run) in this one process, and prints `{ paired: [...] }`, one entry per quality.
 */
import sharp from 'sharp';
import { inspectSource } from '../src/modules/images/sniff.ts';
import { VARIANT_SIZES, WEBP_QUALITY } from '../src/modules/images/sizes.ts';
import { ProcessingPool } from '../src/modules/processing/pool.ts';
import type { QualitySetting } from '../src/modules/quality/quality-setting.ts';
import { median } from './measure.ts';

const [mode, path, runsArg, qualityArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const parseQuality = (text: string | undefined): QualitySetting => (text === 'auto' ? 'auto' : Number(text ?? WEBP_QUALITY));
const qualities = (qualityArg ?? String(WEBP_QUALITY)).split(',').map(parseQuality);
sharp.concurrency(1);
sharp.cache(false);

let run: (quality: QualitySetting) => Promise<unknown>;
let close = async () => {};
if (mode === 'ours') {
  const pool = new ProcessingPool({ threads: 2, taskTimeoutMs: 600_000, maxInputPixels: 200_000_000 });
  const geometry = await inspectSource(path!, { maxInputPixels: 200_000_000, maxFrames: 10_000 });
  run = (quality) => pool.process(path!, geometry, undefined, { quality });
  close = () => pool.close();
} else {
  run = async () => {
    for (const size of VARIANT_SIZES) {
      const image = sharp(path!).rotate();
      await (size === 0 ? image : image.resize({ width: size, withoutEnlargement: true })).webp({ quality: WEBP_QUALITY }).toBuffer();
    }
  };
}
for (const quality of qualities) await run(quality); // warm-up: threads, sharp, JIT
if (qualities.length > 1) {
  // paired: each quality's runs interleaved with the others', so drift on the host hits them alike
  const times = qualities.map((): number[] => []);
  const cpuSeconds = qualities.map(() => 0);
  for (let i = 0; i < runs; i++) {
    const order = qualities.map((_, k) => k);
    if (i % 2 === 1) order.reverse();
    for (const k of order) {
      const before = process.cpuUsage();
      const start = performance.now();
      await run(qualities[k]!);
      times[k]!.push(performance.now() - start);
      const cpu = process.cpuUsage(before);
      cpuSeconds[k]! += (cpu.user + cpu.system) / 1e6;
    }
  }
  await close();
  console.log(JSON.stringify({ paired: qualities.map((quality, k) => ({ quality, cpuSeconds: cpuSeconds[k]! / runs, medianMs: median(times[k]!), times: times[k] })) }));
} else {
  const times: number[] = [];
  const before = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run(qualities[0]!);
    times.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(before);
  await close();
  console.log(JSON.stringify({ mode, cpuSeconds: (cpu.user + cpu.system) / 1e6 / runs, userSeconds: cpu.user / 1e6 / runs, systemSeconds: cpu.system / 1e6 / runs, medianMs: median(times) }));
}
