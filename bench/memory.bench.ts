/**
 * `npm run bench:memory`: the processing memory budget under the load from issue 11 — 20 concurrent
 * REST uploads of a ~19 MiB, 30 MP JPEG into a running server (`node dist/src/main.js serve`, a
 * child process, so its RSS is the server's alone) — with the budget at its default and with no
 * budget (admission by free thread only), side by side in the same run, rounds alternating.
 *
 * Reported per mode: the server's peak RSS (the kernel's VmHWM), its RSS before the load, and the
 * throughput (uploads started → all ready). First, the per-image footprints the budget's model
 * (pixel-budget.ts) is built on, each measured in a fresh process (memory-probe.ts).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { openAsBlob, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import sharp from 'sharp';
import { loadConfig } from '../src/config.ts';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { createLogger } from '../src/logger.ts';
import { footprintBytes } from '../src/modules/processing/pixel-budget.ts';
import * as images from '../test/support/images.ts';
import { runMain } from '../test/support/process.ts';
import { RUNTIME_ENV } from '../scripts/runtime-env.ts';
import { PREVIOUS_RUNTIME_ENV } from './cpu-rows.ts';
import { formatTable, median, ratio } from './measure.ts';
import { cpuSeconds } from './process-cpu.ts';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** No budget: more than any machine has, so only the thread count admits jobs (the old behaviour). */
const NO_BUDGET_MB = String(2 ** 24);
const MIB = 2 ** 20;
const mib = (bytes: number) => `${Math.round(bytes / MIB)} MiB`;

const dir = await mkdtemp(join(tmpdir(), 'optimage-bench-memory-'));
await chmod(dir, 0o755);
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(join(dir, 'pg'), createLogger('warn'));
const adminUrl = process.env.DATABASE_URL ?? embedded!.url('postgres');

/** A 30 MP camera-like JPEG near 20 MiB (fine detail kept: quality 98, no chroma subsampling). */
async function writePhoto(path: string): Promise<Buffer> {
  const [width, height] = [6708, 4472];
  // BENCH_PROGRESSIVE=1: the same photo as a progressive JPEG (libjpeg holds all its coefficients while decoding)
  const progressive = process.env.BENCH_PROGRESSIVE === '1';
  const bytes = await sharp(images.photoPixels(width, height, { seed: 3 }), { raw: { width, height, channels: 3 } }).jpeg({ quality: 98, chromaSubsampling: '4:4:4', progressive }).toBuffer();
  await writeFile(path, bytes);
  return bytes;
}

async function probe(path: string): Promise<{ width: number; height: number; pages: number; growthMiB: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, [new URL('./memory-probe.js', import.meta.url).pathname, path], { env: { ...process.env, MALLOC_ARENA_MAX: '2' } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { width: number; height: number; pages: number; growthMiB: number };
}

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

interface RunResult {
  mode: string;
  peak: number;
  before: number;
  seconds: number;
  perMinute: number;
  /** The server's CPU seconds (all threads) per image over the load. */
  cpuPerImage: number;
}

let runs = 0;
async function loadRun(mode: string, budgetMb: string | undefined, photo: Buffer, defaults = false, settings?: Record<string, string>): Promise<RunResult> {
  const database = `bench_memory_${Date.now().toString(36)}_${runs++}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const port = await freePort();
  const env: Record<string, string> = { DATABASE_URL: url.toString(), DATA_DIR: join(dir, database), PORT: String(port), LOG_LEVEL: 'warn' };
  // what `npm start` sets, unless the mode measures glibc's and V8's defaults
  Object.assign(env, defaults ? { MALLOC_ARENA_MAX: RUNTIME_ENV.MALLOC_ARENA_MAX } : (settings ?? RUNTIME_ENV));
  if (budgetMb) env.PROCESSING_MEMORY_MB = budgetMb;
  const server = runMain(['serve'], { ...env, LOG_LEVEL: 'info' });
  try {
    await server.waitFor(/optimage listening on/);
    const base = `http://127.0.0.1:${port}`;
    const signup = await fetch(`${base}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${database}@example.com`, password: 'benchmark password' }) });
    const cookie = signup.headers.getSetCookie()[0]!.split(';')[0]!;
    const collection = (await (await fetch(`${base}/api/v1/collections`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }) })).json()) as { id: string };
    // distinct bytes per upload (a run number and index after the JPEG's end), or dedupe by
    // checksum would answer the same image 20 times without processing it
    const copies = await Promise.all(
      Array.from({ length: UPLOADS }, async (_, i) => {
        const bytes = Buffer.concat([photo, Buffer.from(`${database}/${i}`)]);
        const path = join(dir, `${database}-${i}.jpg`);
        await writeFile(path, bytes);
        return { path, checksum: createHash('sha256').update(bytes).digest('hex') };
      }),
    );
    const pid = server.child.pid!;
    const before = procStatus(pid, 'VmRSS');
    const cpuBefore = cpuSeconds(pid);

    const started = performance.now();
    const ids = await Promise.all(
      Array.from({ length: UPLOADS }, async (_, i) => {
        const form = new FormData();
        form.append('file', await openAsBlob(copies[i]!.path, { type: 'image/jpeg' }), `photo-${i}.jpg`);
        form.append('checksum', copies[i]!.checksum);
        form.append('collection', collection.id);
        const res = await fetch(`${base}/api/v1/images`, { method: 'POST', headers: { cookie }, body: form });
        const body = (await res.json()) as { id: string };
        if (res.status !== 201) throw new Error(`upload ${i}: ${res.status} ${JSON.stringify(body)}`);
        return body.id;
      }),
    );
    for (;;) {
      const list = (await (await fetch(`${base}/api/v1/images`, { headers: { cookie } })).json()) as { id: string; status: string }[];
      const mine = list.filter((image) => ids.includes(image.id));
      const failed = mine.filter((image) => image.status === 'failed');
      if (failed.length) throw new Error(`${failed.length} image(s) failed under ${mode}`);
      if (mine.length === UPLOADS && mine.every((image) => image.status === 'ready')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    return { mode, peak: procStatus(pid, 'VmHWM'), before, seconds, perMinute: (UPLOADS * 60) / seconds, cpuPerImage: (cpuSeconds(pid) - cpuBefore) / UPLOADS };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await rm(join(dir, database), { recursive: true, force: true });
    await Promise.all(Array.from({ length: UPLOADS }, (_, i) => rm(join(dir, `${database}-${i}.jpg`), { force: true })));
  }
}

try {
  const photoPath = join(dir, 'photo-30mp.jpg');
  const photo = await writePhoto(photoPath);
  const config = loadConfig({ ...process.env, DATABASE_URL: adminUrl });
  const defaultMb = config.processing.memoryBudgetMb;
  console.log(`\nmemory budget: ${UPLOADS} concurrent uploads of a ${(photo.length / MIB).toFixed(1)} MiB, 30 MP JPEG (6708×4472), ${config.processing.threads} worker threads, with the settings npm start runs with (${Object.entries(RUNTIME_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}) unless a mode says otherwise`);
  console.log(`default PROCESSING_MEMORY_MB here: ${defaultMb} (256 MiB × ${config.processing.threads} threads, at most a quarter of ${Math.round(totalmem() / 2 ** 30)} GiB)\n`);

  // What the model stands on: one image, one thread, a fresh process each.
  const probes: { label: string; path: string; alpha: boolean }[] = [
    { label: '12 MP JPEG', path: await images.writeImage(dir, 'p12.jpg', await images.photoJpeg(4000, 3000, 7)), alpha: false },
    { label: '30 MP JPEG (the load below)', path: photoPath, alpha: false },
    { label: '6 MP PNG with alpha', path: await images.writeImage(dir, 'alpha6.png', await images.alphaPng(3000, 2000)), alpha: true },
  ];
  const probeRows = [['image', 'measured peak RSS growth', 'budget charges (footprintBytes)']];
  for (const p of probes) {
    const m = await probe(p.path);
    probeRows.push([p.label, `${Math.round(m.growthMiB)} MiB`, mib(footprintBytes({ ...m, alpha: p.alpha }))]);
  }
  console.log(formatTable(probeRows));

  // the baseline first: how the server ran before the budget and the runtime settings
  // BENCH_MEMORY_MODES=previous,default runs only those (by the first word of their name)
  const allModes: { mode: string; budgetMb: string | undefined; defaults?: boolean; env?: Record<string, string> }[] = [
    { mode: 'before: no budget, glibc and V8 defaults (MALLOC_ARENA_MAX only)', budgetMb: NO_BUDGET_MB, defaults: true },
    { mode: `previous runtime settings (mmap threshold 64 KiB), budget ${defaultMb} MiB`, budgetMb: undefined, env: PREVIOUS_RUNTIME_ENV },
    { mode: 'no budget', budgetMb: NO_BUDGET_MB },
    { mode: `default: budget ${defaultMb} MiB, runtime settings`, budgetMb: undefined },
    ...(process.env.BENCH_EXTRA_BUDGETS ?? '').split(',').filter(Boolean).map((mb) => ({ mode: `budget ${mb} MiB`, budgetMb: mb })),
  ];
  const only = (process.env.BENCH_MEMORY_MODES ?? '').split(',').filter(Boolean);
  const modes = only.length ? allModes.filter((m) => only.includes(m.mode.split(/[ :]/)[0]!)) : allModes;
  const results: RunResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const { mode, budgetMb, defaults, env } of round % 2 ? [...modes].reverse() : modes) results.push(await loadRun(mode, budgetMb, photo, defaults, env));
  }

  const rows = [['mode', 'peak RSS (VmHWM)', 'RSS before load', `time for ${UPLOADS}`, 'images/min', 'server CPU/image', 'per round (peak; img/min)']];
  const summary = modes.map(({ mode }) => {
    const mine = results.filter((r) => r.mode === mode);
    const peak = median(mine.map((r) => r.peak));
    const perMinute = median(mine.map((r) => r.perMinute));
    rows.push([mode, mib(peak), mib(median(mine.map((r) => r.before))), `${median(mine.map((r) => r.seconds)).toFixed(1)} s`, perMinute.toFixed(1), `${median(mine.map((r) => r.cpuPerImage)).toFixed(2)} s`, mine.map((r) => `${mib(r.peak)}; ${r.perMinute.toFixed(1)}`).join(' | ')]);
    return { mode, peak, perMinute };
  });
  console.log(`\nload, median of ${ROUNDS} round(s):\n`);
  console.log(formatTable(rows));
  const [off, ...budgeted] = summary;
  for (const b of budgeted) {
    console.log(`\n${b.mode} vs ${off!.mode}: peak RSS ${ratio(b.peak / off!.peak)}, throughput ${ratio(b.perMinute / off!.perMinute)}; peak ${mib(b.peak)} (goal < 700 MiB: ${b.peak < 700 * MIB ? 'met' : 'MISSED'})`);
  }
} finally {
  await embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
