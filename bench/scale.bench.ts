/**
 * `npm run bench:scale`: scaling out on one machine. Two API processes (PROCESSING=off) and M
 * worker processes (WORKER_THREADS=1) on one PostgreSQL (DATABASE_URL, else embedded) and one
 * s3rver bucket (a process of its own); a batch of 12 MP photos uploaded round-robin through both
 * API nodes, each followed to READY on the node that did not take it. Per M (1, 2): images per
 * minute, the ratio, every process's share of the cores, and the events the other node saw. Then
 * one more batch with M = 2 in which a worker is SIGKILLed midway: every image created ends ready
 * once, no job or variant twice, and the bucket holds exactly the objects the database names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createClient, type Client as WsClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { originalKey, variantKey } from '../src/modules/images/variant-urls.ts';
import { Client } from '../test/support/http.ts';
import { photoJpeg } from '../test/support/images.ts';
import { openBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { RUNTIME_ENV } from '../scripts/runtime-env.ts';
import { runMain, type RunningProcess } from '../test/support/process.ts';
import { restUpload } from '../test/support/upload.ts';
import { CORES, CpuMeter } from './process-cpu.ts';
import { ratio } from './measure.ts';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 12);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const WORKER_COUNTS = [1, 2];
const S3_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

interface Node {
  name: string;
  process: RunningProcess;
  url: string;
}

interface Event {
  id: string;
  status: string;
  step: string;
  progress: number;
}

const dir = await mkdtemp(join(tmpdir(), 'optimage-bench-scale-'));
await chmod(dir, 0o755);
const nodes: Node[] = [];
// assigned in the functions below (`as`: so the finally block does not take them for null)
let database = null as BenchDatabase | null;
let s3rver = null as ChildProcess | null;

/** A database of its own: on DATABASE_URL's server (dropped at the end), or an embedded cluster. */
async function openDatabase(): Promise<string> {
  database = await openBenchDatabase(dir, 'bench_scale');
  return database.url;
}

async function startS3rver(): Promise<{ endpoint: string; bucket: string; pid: number }> {
  s3rver = spawn(process.execPath, [fileURLToPath(new URL('./s3rver-process.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await createInterface({ input: s3rver.stdout! })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
  return { ...(JSON.parse(line!) as { endpoint: string; bucket: string }), pid: s3rver.pid! };
}

async function start(name: string, command: 'serve' | 'worker', env: Record<string, string>): Promise<Node> {
  // BENCH_PROFILE=<dir>: every worker writes a V8 CPU profile of its main thread there on exit
  const profile: Record<string, string> = command === 'worker' && PROFILE_DIR ? { NODE_OPTIONS: `${RUNTIME_ENV.NODE_OPTIONS} --cpu-prof --cpu-prof-dir=${PROFILE_DIR}` } : {};
  const process = runMain([command], { DATA_DIR: join(dir, name), ...RUNTIME_ENV, ...profile, ...env });
  const node: Node = { name, process, url: '' };
  nodes.push(node);
  if (command === 'serve') node.url = /listening on (http:\/\/\S+)/.exec(await process.waitFor(/optimage listening on/))![1]!;
  else await process.waitFor(/optimage worker ready/);
  return node;
}

function subscribe(node: Node, cookie: string, collectionId: string, onEvent: (e: Event) => void): WsClient {
  class CookieSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie } });
    }
  }
  const client = createClient({ url: node.url.replace('http', 'ws') + '/graphql', webSocketImpl: CookieSocket, retryAttempts: 0 });
  client.subscribe<{ imageEvents: Event }>(
    { query: `subscription($c: ID!) { imageEvents(collectionId: $c) { id status step progress } }`, variables: { c: collectionId } },
    { next: (m) => m.data && onEvent(m.data.imageEvents), error: (err) => console.error(`subscription on ${node.name}:`, err), complete: () => undefined },
  );
  return client;
}

/** PostgreSQL backends serving the benchmark's database now (its share of the server's CPU). */
async function backendPids(db: pg.Pool): Promise<number[]> {
  return (await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid);
}

interface RunResult {
  label: string;
  workers: number;
  wallSeconds: number;
  perMinute: number;
  /** Events the node that did not take an upload saw, and those the node that took it saw. */
  otherNodeEvents: number;
  uploadNodeEvents: number;
  /** Images whose events differed between the two nodes (an event missing or extra on one). */
  mismatched: number;
  /** Images with the same events on both nodes in another order (the upload's own first event is published in-process on its node). */
  reordered: number;
  cores: { what: string; cores: number }[];
  machineCores: number;
  collectionId: string;
  /** READY events per image on the other node. */
  readyEvents: Map<string, number>;
}

const pad = (n: number) => n.toFixed(2);

try {
  console.log(`making ${IMAGES} distinct 12 MP photos…`);
  const photos: Buffer[] = [];
  for (let i = 0; i < IMAGES; i++) photos.push(await photoJpeg(4000, 3000, 1000 + i));
  const warmPhotos = await Promise.all([photoJpeg(2000, 1500, 1), photoJpeg(2000, 1500, 2)]);

  const databaseUrl = await openDatabase();
  const s3 = await startS3rver();
  const shared = {
    DATABASE_URL: databaseUrl,
    STORAGE: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: 'us-east-1',
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: S3_KEYS.accessKeyId,
    S3_SECRET_ACCESS_KEY: S3_KEYS.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    CDN_BASE_URL: `${s3.endpoint}/${s3.bucket}`,
  };
  // one after the other: s3rver can crash on two start-up probes at once (it removes the probe's
  // directory under the other one); a real S3 has no directories
  const a = await start('api-a', 'serve', { ...shared, PORT: '0', PROCESSING: 'off' });
  const b = await start('api-b', 'serve', { ...shared, PORT: '0', PROCESSING: 'off' });
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const onA = new Client(a.url);
  const { email } = await onA.signUp();
  const setPlan = runMain(['users', 'set-plan', email, 'business'], shared);
  if ((await setPlan.exited) !== 0) throw new Error(`set-plan failed: ${setPlan.output()}`);
  const onB = new Client(b.url);
  onB.cookie = onA.cookie;
  const apis = [
    { node: a, client: onA },
    { node: b, client: onB },
  ];
  const workers: Node[] = [];

  async function runBatch(label: string, workerCount: number, killAfter?: number): Promise<RunResult> {
    while (workers.filter((w) => w.process.child.exitCode === null).length < workerCount) {
      workers.push(await start(`worker-${workers.length + 1}`, 'worker', { ...shared, WORKER_THREADS: '1' }));
    }
    const live = workers.filter((w) => w.process.child.exitCode === null);
    const collectionId = (await onA.json<{ id: string }>('POST', '/api/v1/collections', { name: label })).body.id;
    const seen = apis.map(() => new Map<string, Event[]>());
    const waiters = new Map<string, () => void>();
    const via = new Map<string, number>();
    const clients = apis.map(({ node }, n) =>
      subscribe(node, onA.cookie!, collectionId, (e) => {
        seen[n]!.set(e.id, [...(seen[n]!.get(e.id) ?? []), e]);
        if (e.status === 'READY' && via.get(e.id) !== undefined && via.get(e.id) !== n) waiters.get(e.id)?.();
      }),
    );
    const upload = async (bytes: Buffer, n: number, slug: string) => {
      let resolveReady!: () => void;
      const ready = new Promise<void>((r) => (resolveReady = r));
      const { status, body } = await restUpload(apis[n]!.client, bytes, { collection: collectionId, slug });
      if (status !== 201) throw new Error(`upload through ${apis[n]!.node.name} failed: ${status} ${JSON.stringify(body)}`);
      via.set(body.id, n);
      waiters.set(body.id, resolveReady);
      // it may have been ready before the upload's answer arrived
      if (seen[1 - n]!.get(body.id)?.some((e) => e.status === 'READY')) resolveReady();
      return { id: body.id, ready };
    };
    // warm-up: one small photo through each node, seen ready on the other (subscriptions live, workers warm)
    await Promise.all(warmPhotos.map(async (bytes, n) => (await upload(bytes, n, `warm-${n}`)).ready));

    const meter = new CpuMeter();
    meter.begin([a.process.child.pid!, b.process.child.pid!, ...live.map((w) => w.process.child.pid!), s3.pid, ...(await backendPids(db))]);
    const benchCpu = process.cpuUsage();
    const t0 = performance.now();
    let readyCount = 0;
    const allReady: Promise<void>[] = [];
    const batch: string[] = [];
    // round-robin: image i through node i % 2, one upload in flight per node
    await Promise.all(
      apis.map(async (_, n) => {
        for (let i = n; i < IMAGES; i += 2) {
          const { id, ready } = await upload(photos[i]!, n, `photo-${i}`);
          batch.push(id);
          allReady.push(
            ready.then(() => {
              readyCount++;
              if (killAfter !== undefined && readyCount === killAfter) live.at(-1)!.process.child.kill('SIGKILL');
            }),
          );
        }
      }),
    );
    await Promise.all(allReady);
    const wallMs = performance.now() - t0;
    for (const pid of await backendPids(db)) meter.track(pid, true);
    const used = meter.end();
    const bench = process.cpuUsage(benchCpu);
    await new Promise((r) => setTimeout(r, 500)); // the uploading node's last events
    await Promise.all(clients.map((c) => c.dispose()));

    let otherNodeEvents = 0;
    let uploadNodeEvents = 0;
    let mismatched = 0;
    let reordered = 0;
    const sorted = (events: Event[]) => JSON.stringify(events.map((e) => JSON.stringify(e)).sort());
    const readyEvents = new Map<string, number>();
    for (const id of batch) {
      const n = via.get(id)!;
      const mine = seen[n]!.get(id) ?? [];
      const other = seen[1 - n]!.get(id) ?? [];
      uploadNodeEvents += mine.length;
      otherNodeEvents += other.length;
      if (sorted(mine) !== sorted(other)) mismatched++;
      else if (JSON.stringify(mine) !== JSON.stringify(other)) reordered++;
      readyEvents.set(id, other.filter((e) => e.status === 'READY').length);
    }
    const cores = (pid: number) => (used.byPid.get(pid) ?? 0) / used.wallSeconds;
    const backends = [...used.byPid].filter(([pid]) => ![a, b, ...live].some((x) => x.process.child.pid === pid) && pid !== s3.pid);
    const rows = [
      { what: 'API A', cores: cores(a.process.child.pid!) },
      { what: 'API B', cores: cores(b.process.child.pid!) },
      ...live.map((w) => ({ what: w.name, cores: cores(w.process.child.pid!) })),
      { what: 's3rver', cores: cores(s3.pid) },
      { what: `PostgreSQL (${backends.length} backends)`, cores: backends.reduce((sum, [, s]) => sum + s, 0) / used.wallSeconds },
      { what: 'bench client (uploads, subscribers)', cores: (bench.user + bench.system) / 1e6 / used.wallSeconds },
    ];
    return {
      label,
      workers: workerCount,
      wallSeconds: wallMs / 1000,
      perMinute: (IMAGES / wallMs) * 60_000,
      otherNodeEvents,
      uploadNodeEvents,
      mismatched,
      reordered,
      cores: rows,
      machineCores: used.machine / used.wallSeconds,
      collectionId,
      readyEvents,
    };
  }

  const results: RunResult[] = [];
  for (const m of WORKER_COUNTS) {
    console.log(`batch of ${IMAGES} with ${m} worker(s)…`);
    results.push(await runBatch(`M=${m}`, m));
  }
  const killAt = Math.max(1, Math.floor(IMAGES / 3));
  console.log(`batch of ${IMAGES} with 2 workers, one SIGKILLed after ${killAt} images are ready…`);
  const killed = await runBatch('M=2, one SIGKILLed', 2, killAt);

  // integrity after the kill: the database and the bucket agree, nothing twice
  const counts = (
    await db.query<{ created: number; ready: number; bad_variants: number }>(
      `SELECT count(*)::int AS created, count(*) FILTER (WHERE status = 'ready')::int AS ready,
              count(*) FILTER (WHERE (SELECT count(*) FROM image_variants v WHERE v.image_id = i.id) <> 12)::int AS bad_variants
         FROM images i WHERE collection_id = $1`,
      [killed.collectionId],
    )
  ).rows[0]!;
  const jobs = (
    await db.query<{ images: number; twice: number; retried: number }>(
      `SELECT count(*)::int AS images, count(*) FILTER (WHERE n > 1)::int AS twice, count(*) FILTER (WHERE retried)::int AS retried
         FROM (SELECT data->>'imageId' AS id, count(*) AS n, bool_or(retry_count > 0) AS retried FROM pgboss.job
                WHERE name = 'process-image' AND data->>'imageId' IN (SELECT id FROM images WHERE collection_id = $1) GROUP BY 1) j`,
      [killed.collectionId],
    )
  ).rows[0]!;
  const expected = new Set<string>();
  for (const r of (await db.query<{ id: string; collection_id: string; slug: string }>('SELECT id, collection_id, slug FROM images')).rows) expected.add(originalKey(r.id));
  for (const r of (await db.query<{ collection_id: string; slug: string; size: number; format: 'webp' | 'avif' }>('SELECT i.collection_id, i.slug, v.size, v.format FROM image_variants v JOIN images i ON i.id = v.image_id')).rows) {
    expected.add(variantKey(r.collection_id, r.size, r.slug, r.format));
  }
  const s3client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_KEYS });
  const inBucket: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3client.send(new ListObjectsV2Command({ Bucket: s3.bucket, ContinuationToken: token }));
    inBucket.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  s3client.destroy();
  const orphans = inBucket.filter((k) => !expected.has(k));
  const missing = [...expected].filter((k) => !inBucket.includes(k));
  await db.end();

  const [one, two] = results;
  console.log(`\nscale-out on ${CORES} cores: 2 API nodes + M workers (WORKER_THREADS=1), ${IMAGES} × 12 MP JPEG (${(photos[0]!.length / 1e6).toFixed(1)} MB) per batch, round-robin through both nodes, S3 = s3rver, PostgreSQL ${process.env.DATABASE_URL ? 'external (DATABASE_URL)' : 'embedded'}\n`);
  console.log('| batch | wall | images/min | vs M=1 | events seen on the other node / on the uploading node | images whose events differ (in order only) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of [...results, killed]) {
    console.log(`| ${r.label} | ${r.wallSeconds.toFixed(1)} s | ${r.perMinute.toFixed(1)} | ${ratio(r.perMinute / one!.perMinute)} | ${r.otherNodeEvents} / ${r.uploadNodeEvents} | ${r.mismatched} (${r.reordered}) |`);
  }
  const oursCores = (r: RunResult) => r.cores.reduce((sum, c) => sum + c.cores, 0);
  const cpuPerImage = (r: RunResult) => (oursCores(r) * r.wallSeconds) / IMAGES;
  console.log(`\nratio M=2 ÷ M=1: ${ratio(two!.perMinute / one!.perMinute)} (target ≥ 1.6×)`);
  console.log(
    `CPU per image, all of ours: ${cpuPerImage(one!).toFixed(2)} s at M=1, ${cpuPerImage(two!).toFixed(2)} s at M=2; M=1 kept ${pad(oursCores(one!))} of ${CORES} cores busy, ` +
      `so at that CPU per image M=2 can be at most ${ratio(CORES / oursCores(one!))} of M=1 (less what others use: the whole machine was at ${pad(two!.machineCores)} cores during M=2)`,
  );
  console.log(`\nCPU during each batch, in cores (CPU-seconds ÷ wall seconds; ${CORES} cores = 100%):\n`);
  const names = [...new Set([...results, killed].flatMap((r) => r.cores.map((c) => c.what.replace(/ \(\d+ backends\)/, ''))))];
  console.log(`| process | ${[...results, killed].map((r) => r.label).join(' | ')} |`);
  console.log(`| --- | ${[...results, killed].map(() => '---').join(' | ')} |`);
  for (const name of names) {
    const cells = [...results, killed].map((r) => {
      const c = r.cores.find((x) => x.what.replace(/ \(\d+ backends\)/, '') === name);
      return c ? `${pad(c.cores)} (${Math.round((100 * c.cores) / CORES)}%)` : '—';
    });
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
  const sumRow = [...results, killed].map((r) => r.cores.reduce((s, c) => s + c.cores, 0));
  console.log(`| all of the above | ${sumRow.map((s) => `${pad(s)} (${Math.round((100 * s) / CORES)}%)`).join(' | ')} |`);
  console.log(`| whole machine (others' work included) | ${[...results, killed].map((r) => `${pad(r.machineCores)} (${Math.round((100 * r.machineCores) / CORES)}%)`).join(' | ')} |`);

  const readyOnce = [...killed.readyEvents.values()].filter((n) => n === 1).length;
  console.log(`\nafter the SIGKILL (batch "${killed.label}", killed after ${killAt} ready):`);
  console.log(`- images created ${counts.created} (${IMAGES} + 2 warm-up), ready ${counts.ready}, without exactly 12 variants ${counts.bad_variants}`);
  console.log(`- jobs: ${jobs.images} images with a job, ${jobs.twice} with more than one job, ${jobs.retried} retried (the killed worker's)`);
  console.log(`- READY seen once on the other node: ${readyOnce} of ${killed.readyEvents.size} batch images`);
  console.log(`- bucket: ${inBucket.length} objects, ${expected.size} named by the database; orphans ${orphans.length}${orphans.length ? ` (${orphans.slice(0, 5).join(', ')}…)` : ''}, missing ${missing.length}`);
} finally {
  for (const node of nodes) if (node.process.child.exitCode === null) node.process.child.kill('SIGTERM');
  await Promise.all(nodes.map((n) => n.process.exited));
  s3rver?.kill('SIGTERM');
  await database?.close();
  await rm(dir, { recursive: true, force: true });
}
