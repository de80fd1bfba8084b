/**
 * `npm run bench:delivery` (issue 22), each comparison side by side in one run:
 *  1. a private 1280 WebP through the signed /private route vs the same file public through /cdn
 *     (local storage): requests per second and p95 latency, rounds alternating so load hits both;
 *  2. the API node's CPU and peak RSS for 20 concurrent 20 MB uploads through the node
 *     (POST /images) vs direct to the bucket (create → PUT to s3rver → complete), STORAGE=s3,
 *     the API node and s3rver each a process of its own, processing off on the API node.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RUNTIME_ENV } from '../scripts/runtime-env.ts';
import { photoJpeg } from '../test/support/images.ts';
import { runMain, type RunningProcess } from '../test/support/process.ts';
import { openBenchDatabase } from './bench-database.ts';
import { formatTable, median } from './measure.ts';
import { cpuSeconds, rssBytes } from './process-cpu.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 20);
const UPLOAD_BYTES = 20 * 1024 * 1024;

const dir = await mkdtemp(join(tmpdir(), 'optimage-bench-delivery-'));
await chmod(dir, 0o755);
const database = await openBenchDatabase(dir, 'bench_delivery');
const running: RunningProcess[] = [];
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A free loopback port (request logs stay off, so the node is found by polling, not by its log line). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function serve(name: string, env: Record<string, string>): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const node = runMain(['serve'], { PORT: String(port), DATA_DIR: join(dir, name), DATABASE_URL: database.url, PLAN_LIMITS: 'free=100000', LOG_LEVEL: 'warn', ...RUNTIME_ENV, ...env });
  running.push(node);
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (tries > 600) throw new Error(`${name} did not start:\n${node.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: node.child.pid!, stop: async () => void (node.child.kill('SIGTERM'), await node.exited) };
}

async function signUp(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `b${Date.now()}${Math.random()}@example.com`, password: 'benchmark password' }) });
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

async function api<T>(url: string, cookie: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method, headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const json = (await res.json()) as T;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** `CONCURRENCY` keep-alive loops GETting `url` for `ms`: every latency. */
async function load(url: string, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await fetch(url);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)]!;

async function deliveryComparison(): Promise<string> {
  const node = await serve('local', { WORKER_THREADS: '2' });
  const cookie = await signUp(node.url);
  const photo = await photoJpeg(2400, 1600, 5);
  const make = async (visibility: string) => {
    const collection = await api<{ id: string }>(node.url, cookie, 'POST', '/api/v1/collections', { name: visibility });
    if (visibility === 'private') await api(node.url, cookie, 'PATCH', `/api/v1/collections/${collection.id}`, { visibility });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'bench.jpg');
    form.append('checksum', sha256(photo));
    form.append('collection', collection.id);
    const image = (await (await fetch(`${node.url}/api/v1/images`, { method: 'POST', headers: { cookie }, body: form })).json()) as { id: string };
    for (;;) {
      const now = await api<{ status: string; variants: { size: number; format: string; url: string }[] }>(node.url, cookie, 'GET', `/api/v1/images/${image.id}`);
      if (now.status === 'ready') return now.variants.find((v) => v.size === 1280 && v.format === 'webp')!.url;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const publicUrl = await make('public');
  const signedUrl = await make('private');
  const bytes = (await (await fetch(signedUrl)).arrayBuffer()).byteLength;
  const results = { signed: [] as number[], cdn: [] as number[], signedMs: 0, cdnMs: 0 };
  await load(publicUrl, 500); // warm-up, both paths
  await load(signedUrl, 500);
  for (let round = 0; round < ROUNDS; round++) {
    // alternate which goes first, so a change in the machine's load hits both alike
    for (const which of round % 2 ? (['cdn', 'signed'] as const) : (['signed', 'cdn'] as const)) {
      const t0 = performance.now();
      results[which].push(...(await load(which === 'signed' ? signedUrl : publicUrl, ROUND_MS)));
      results[`${which}Ms`] += performance.now() - t0;
    }
  }
  await node.stop();
  const rps = (n: number, ms: number) => n / (ms / 1000);
  const signedRps = rps(results.signed.length, results.signedMs);
  const cdnRps = rps(results.cdn.length, results.cdnMs);
  return formatTable([
    [`1280 WebP (${(bytes / 1024).toFixed(0)} KB), ${CONCURRENCY} connections, ${ROUNDS}×${ROUND_MS / 1000} s each`, 'req/s', 'p50', 'p95', 'req/s vs /cdn', 'p95 vs /cdn'],
    ['public /cdn (baseline)', cdnRps.toFixed(0), `${median(results.cdn).toFixed(1)} ms`, `${p95(results.cdn).toFixed(1)} ms`, '1.00×', '1.00×'],
    ['private /private?exp&sig (signed)', signedRps.toFixed(0), `${median(results.signed).toFixed(1)} ms`, `${p95(results.signed).toFixed(1)} ms`, `${(signedRps / cdnRps).toFixed(2)}×`, `${(p95(results.signed) / p95(results.cdn)).toFixed(2)}×`],
  ]);
}

/** Samples the API node's RSS while `fn` runs: CPU seconds used, peak RSS, wall time. */
async function observed(pid: number, fn: () => Promise<void>): Promise<{ cpu: number; peakRss: number; wall: number }> {
  let peakRss = rssBytes(pid);
  const timer = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(pid))), 25);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return { cpu: cpuSeconds(pid) - cpu0, peakRss: Math.max(peakRss, rssBytes(pid)), wall: (performance.now() - t0) / 1000 };
}

async function uploadComparison(): Promise<string> {
  const s3rver = spawn(process.execPath, ['--openssl-legacy-provider', fileURLToPath(new URL('./s3rver-process.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = await createInterface({ input: s3rver.stdout! })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
    const s3 = JSON.parse(line!) as { endpoint: string; bucket: string };
    const node = await serve('s3', {
      PROCESSING: 'off',
      STORAGE: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    });
    const cookie = await signUp(node.url);
    const collection = (await api<{ id: string }>(node.url, cookie, 'POST', '/api/v1/collections', { name: 'uploads' })).id;
    const photo = Buffer.concat([await photoJpeg(3000, 2000, 8), Buffer.alloc(0)]);
    const bytes = Buffer.concat([photo, Buffer.alloc(UPLOAD_BYTES - photo.length, 0x20)]);
    const checksum = sha256(bytes);
    let n = 0;
    const failures = { through: [] as string[], direct: [] as string[] };
    const through = await observed(node.pid, async () => {
      await Promise.all(
        Array.from({ length: UPLOADS }, async () => {
          const form = new FormData();
          form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'big.jpg');
          form.append('checksum', checksum);
          form.append('collection', collection);
          form.append('slug', `through-${n++}`);
          const res = await fetch(`${node.url}/api/v1/images`, { method: 'POST', headers: { cookie }, body: form }).catch((err: unknown) => err as Error);
          if (res instanceof Error || res.status !== 201) failures.through.push(res instanceof Error ? String(res.cause ?? res) : `${res.status} ${await res.text()}`);
        }),
      );
    });
    const direct = await observed(node.pid, async () => {
      await Promise.all(
        Array.from({ length: UPLOADS }, async () => {
          const ticket = await api<{ id: string; method: string; url: string; headers: Record<string, string> }>(node.url, cookie, 'POST', '/api/v1/direct-uploads', { collection, filename: 'big.jpg', size: bytes.length, checksum, slug: `direct-${n++}` });
          const headers = Object.fromEntries(Object.entries(ticket.headers).filter(([k]) => k.toLowerCase() !== 'content-length'));
          const put = await fetch(ticket.url, { method: ticket.method, headers, body: new Uint8Array(bytes) }).catch((err: unknown) => err as Error);
          if (put instanceof Error || put.status !== 200) return void failures.direct.push(put instanceof Error ? String(put.cause ?? put) : `PUT ${put.status}`);
          await api(node.url, cookie, 'POST', `/api/v1/direct-uploads/${ticket.id}/complete`).catch((err: unknown) => failures.direct.push(String(err)));
        }),
      );
    });
    await node.stop();
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    const failed = Object.entries(failures).flatMap(([mode, list]) => (list.length ? [`${mode}: ${list.length} of ${UPLOADS} failed (${[...new Set(list)].join('; ')})`] : []));
    return (failed.length ? `${failed.join('\n')}\n` : '') + formatTable([
      [`${UPLOADS} concurrent ${UPLOAD_BYTES / 2 ** 20} MiB uploads, API node (STORAGE=s3, processing off)`, 'API CPU', 'peak RSS', 'wall', 'CPU vs through', 'RSS vs through'],
      ['through the node (POST /images)', `${through.cpu.toFixed(2)} s`, mb(through.peakRss), `${through.wall.toFixed(1)} s`, '1.00×', '1.00×'],
      ['direct (create → PUT to bucket → complete)', `${direct.cpu.toFixed(2)} s`, mb(direct.peakRss), `${direct.wall.toFixed(1)} s`, `${(direct.cpu / through.cpu).toFixed(2)}×`, `${(direct.peakRss / through.peakRss).toFixed(2)}×`],
    ]);
  } finally {
    s3rver.kill('SIGTERM');
  }
}

try {
  const only = process.env.BENCH_ONLY; // delivery | uploads
  if (only !== 'uploads') console.log(await deliveryComparison());
  if (!only) console.log();
  if (only !== 'delivery') console.log(await uploadComparison());
} finally {
  for (const node of running) node.child.kill('SIGTERM');
  await Promise.all(running.map((n) => n.exited));
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
