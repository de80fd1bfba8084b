/**
 * One measurement for `bench:memory`, in a process of its own (so nothing an earlier image left in
 * the allocator hides this one's cost): peak RSS growth of the whole process while a ProcessingPool
 * processes the image at argv[2] — once on one thread, or argv[3] copies at once on as many threads.
 * Prints one line of JSON.
 */
import { inspectSource } from '../src/modules/images/sniff.ts';
import { ProcessingPool } from '../src/modules/processing/pool.ts';

const [path, concurrentArg] = process.argv.slice(2);
const concurrent = Number(concurrentArg ?? 1);
const pool = new ProcessingPool({ threads: concurrent, taskTimeoutMs: 600_000, maxInputPixels: 200_000_000 });
// let the threads start and load sharp before the baseline is taken
await new Promise((r) => setTimeout(r, 500));
const base = process.memoryUsage().rss;
let peak = base;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
const started = performance.now();
const geometry = await inspectSource(path!, { maxInputPixels: 200_000_000, maxFrames: 10_000 });
const results = await Promise.all(Array.from({ length: concurrent }, () => pool.process(path!, geometry)));
const ms = performance.now() - started;
clearInterval(sampler);
await pool.close();
const { width, height, pages } = results[0]!;
console.log(JSON.stringify({ width, height, pages, concurrent, baseMiB: base / 2 ** 20, growthMiB: (peak - base) / 2 ** 20, ms }));
