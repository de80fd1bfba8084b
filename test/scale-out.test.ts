/**
 * Scaled out as in production: two API processes (`serve`, PROCESSING=off) on their own ports and
 * two `worker` processes, one PostgreSQL database and one S3 bucket (s3rver) between them, each
 * process with its own DATA_DIR as on separate machines. An upload through node A is followed live
 * on node B; a busy worker's SIGTERM drains; a busy worker's SIGKILL loses nothing.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_PROGRESS } from '../src/modules/images/steps.ts';
import { allStagingKeys, originalKey } from '../src/modules/images/variant-urls.ts';
import { createTestDatabase, dropTestDatabase, endPool } from './support/app.ts';
import { cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { runMain, type RunningProcess } from './support/process.ts';
import { s3AppEnv, startS3, type TestS3 } from './support/s3.ts';
import { restUpload, waitForImage } from './support/upload.ts';
import { collect, wsClient } from './support/ws.ts';

interface Node {
  process: RunningProcess;
  dataDir: string;
  url: string;
}

let s3: TestS3;
let databaseUrl: string;
let db: pg.Pool;
let a: Node;
let b: Node;
const started: Node[] = [];
let alice: Client;
/** alice's session, used against node B. */
let aliceOnB: Client;
let collection: string;

async function start(command: 'serve' | 'worker', env: Record<string, string> = {}): Promise<Node> {
  const dataDir = await mkdtemp(join(tmpdir(), `optimage-scale-${command}-`));
  const process = runMain([command], { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ...s3AppEnv(s3), ...env });
  const node: Node = { process, dataDir, url: '' };
  started.push(node);
  if (command === 'serve') node.url = /listening on (http:\/\/\S+)/.exec(await process.waitFor(/optimage listening on/))![1]!;
  else await process.waitFor(/optimage worker ready/);
  return node;
}

const startApi = () => start('serve', { PORT: '0', PROCESSING: 'off' });
const startWorker = () => start('worker', { WORKER_THREADS: '1' });

/** The originals a worker has fetched and is processing now (scratch files named by its pid). */
async function busyWith(worker: Node): Promise<number> {
  const names = await readdir(join(worker.dataDir, 'uploads')).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(`optimage-source-${worker.process.child.pid}-`)).length;
}

/** Log lines of a process that mention `text`. */
const linesWith = (node: Node, text: string) => node.process.output().split('\n').filter((l) => l.includes(text));

async function bucketKeys(prefix: string): Promise<string[]> {
  const client = new S3Client({ ...s3.storeOptions(), credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  client.destroy();
  return keys.sort();
}

beforeAll(async () => {
  s3 = await startS3();
  databaseUrl = await createTestDatabase();
  db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // one after the other: each process's start-up probe writes and deletes an object, and s3rver (its
  // files on disk) can remove the probe's directory under a concurrent probe and crash
  a = await startApi();
  b = await startApi();
  alice = new Client(a.url);
  await alice.signUp();
  aliceOnB = new Client(b.url);
  aliceOnB.cookie = alice.cookie;
  collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Scaled out' })).body.id;
}, 120_000);

afterAll(async () => {
  for (const node of started) if (node.process.child.exitCode === null) node.process.child.kill('SIGKILL');
  await Promise.all(started.map((n) => n.process.exited));
  if (db) await endPool(db);
  if (databaseUrl) await dropTestDatabase(databaseUrl);
  await s3?.close();
  await Promise.all(started.map((n) => rm(n.dataDir, { recursive: true, force: true })));
});

describe('two API nodes and two workers on one database and one bucket', () => {
  let w1: Node;
  let w2: Node;

  it('an upload through node A is processed by a worker; a subscriber on node B sees every step to READY, and B serves it with the same CDN URLs', async () => {
    const up = await restUpload(alice, await cameraPhoto({ width: 2000, height: 1500, seed: 11 }), { collection, slug: 'through-a' });
    expect(up.status).toBe(201);
    const client = wsClient(b.url, { cookie: aliceOnB.cookie });
    const sub = collect<{ status: string; step: string; progress: number }>(client, `subscription($id: ID!) { imageStatus(id: $id) { status step progress } }`, { id: up.body.id }, 'imageStatus');
    // subscribed on B (its current state comes first) before any worker exists, so no step can be missed
    await expect.poll(() => sub.events.length).toBe(1);
    expect(sub.events[0]).toMatchObject({ status: 'PROCESSING' });
    w1 = await startWorker();
    w2 = await startWorker();
    await sub.done;
    expect(new Set(sub.events.map((e) => e.step))).toEqual(new Set(['VALIDATE', 'CONVERT', 'RESIZE', 'OPTIMIZE', 'UPLOAD', 'ACTIVATE']));
    expect(sub.events.at(-1)).toMatchObject({ status: 'READY', progress: 100 });
    const progress = sub.events.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    await client.dispose();
    // exactly one of the workers processed it (it logs just after the READY event)
    const readyLogs = () => [w1, w2].map((w) => linesWith(w, up.body.id).filter((l) => l.includes('image ready')).length).sort();
    await expect.poll(readyLogs).toEqual([0, 1]);

    const onB = await aliceOnB.json<{ status: string; variants: { url: string }[] }>('GET', `/api/v1/images/${up.body.id}`);
    expect(onB.body.status).toBe('ready');
    expect(onB.body.variants).toHaveLength(12);
    const onA = await alice.json('GET', `/api/v1/images/${up.body.id}`);
    expect(onB.body).toEqual(onA.body);
    const url = onB.body.variants[0]!.url;
    expect(url.startsWith(`${s3.endpoint}/${s3.bucket}/${collection}/`)).toBe(true);
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/webp');
  });

  it('SIGTERM on a busy worker drains: it finishes its image, takes no new job, and exits 0; the other worker takes the next one', async () => {
    // made before the first upload: the second must reach the other worker while the first is still busy
    const [photoX, photoY, photoZ] = await Promise.all([cameraPhoto({ seed: 12 }), cameraPhoto({ width: 6000, height: 4000, seed: 13 }), cameraPhoto({ width: 2000, height: 1500, seed: 14 })]);
    const x = await restUpload(alice, photoX, { collection, slug: 'drained' });
    await expect.poll(async () => (await busyWith(w1)) + (await busyWith(w2)), { timeout: 20_000 }).toBe(1);
    const [busy, other] = (await busyWith(w1)) ? [w1, w2] : [w2, w1];
    // the other worker gets a longer image, so the draining one is free first and would take the next job if it still took jobs
    const y = await restUpload(alice, photoY, { collection, slug: 'long' });
    await expect.poll(() => busyWith(other), { timeout: 20_000 }).toBe(1);
    expect(await busyWith(busy)).toBe(1); // still on its image

    busy.process.child.kill('SIGTERM');
    await busy.process.waitFor(/shutting down/);
    const z = await restUpload(alice, photoZ, { collection, slug: 'after-sigterm' });
    expect(await busy.process.exited).toBe(0); // not the 30 s forced exit (1)

    for (const image of [x, y, z]) expect((await waitForImage(aliceOnB, image.body.id, 60_000)).status).toBe('ready');
    const log = busy.process.output();
    const finished = linesWith(busy, x.body.id).find((l) => l.includes('image ready'));
    expect(finished).toBeDefined();
    // it finished its image after the signal, in the same attempt
    expect(log.indexOf('shutting down')).toBeLessThan(log.indexOf(finished!));
    const jobX = await db.query(`SELECT state, retry_count FROM pgboss.job WHERE name = 'process-image' AND data->>'imageId' = $1`, [x.body.id]);
    expect(jobX.rows).toEqual([{ state: 'completed', retry_count: 0 }]);
    // the image uploaded after the signal: never touched by the draining worker, processed by the other
    expect(linesWith(busy, z.body.id)).toEqual([]);
    await expect.poll(() => linesWith(other, z.body.id).filter((l) => l.includes('image ready')).length).toBe(1);
  });

  it('SIGKILL on a busy worker loses nothing: the job comes back to the other worker and the image ends ready once, with its 12 variants and no stray objects', async () => {
    const survivor = started.find((n) => n.process.child.exitCode === null && n !== a && n !== b)!;
    const fresh = await startWorker();
    const client = wsClient(a.url, { cookie: alice.cookie });
    const events = collect<{ id: string; status: string }>(client, `subscription($c: ID!) { imageEvents(collectionId: $c) { id status } }`, { c: collection }, 'imageEvents');
    const up = await restUpload(alice, await cameraPhoto({ seed: 15 }), { collection, slug: 'crash' });
    await expect.poll(async () => (await busyWith(survivor)) + (await busyWith(fresh)), { timeout: 20_000 }).toBe(1);
    const [doomed, rescuer] = (await busyWith(survivor)) ? [survivor, fresh] : [fresh, survivor];
    // past VALIDATE: it has fetched the original and is working on it
    await expect.poll(async () => (await db.query('SELECT progress FROM images WHERE id = $1', [up.body.id])).rows[0].progress, { timeout: 20_000 }).toBeGreaterThan(STEP_PROGRESS.VALIDATE);
    doomed.process.child.kill('SIGKILL');
    await doomed.process.exited;

    expect((await waitForImage(aliceOnB, up.body.id, 90_000)).status).toBe('ready');
    const job = () => db.query(`SELECT state, retry_count FROM pgboss.job WHERE name = 'process-image' AND data->>'imageId' = $1`, [up.body.id]);
    await expect.poll(async () => (await job()).rows[0].state, { timeout: 10_000 }).toBe('completed');
    const jobs = (await job()).rows;
    expect(jobs).toHaveLength(1);
    expect(jobs[0].retry_count).toBeGreaterThanOrEqual(1);
    expect(linesWith(doomed, up.body.id).filter((l) => l.includes('image ready'))).toEqual([]);
    await expect.poll(() => linesWith(rescuer, up.body.id).filter((l) => l.includes('image ready')).length).toBe(1);
    await expect.poll(() => events.events.filter((e) => e.id === up.body.id && e.status === 'READY').length).toBe(1);
    await client.dispose();

    const variants = (await db.query('SELECT size, format FROM image_variants WHERE image_id = $1 ORDER BY size', [up.body.id])).rows as { size: number; format: string }[];
    expect(variants).toHaveLength(12);
    // the bucket holds exactly the image's 12 variants and its original: nothing twice, nothing staged left over
    const ofImage = (await bucketKeys(`${collection}/`)).filter((k) => k.endsWith('/crash.webp'));
    expect(ofImage).toEqual(variants.map((v) => `${collection}/${v.size}/crash.webp`).sort());
    expect(await bucketKeys(originalKey(up.body.id))).toEqual([originalKey(up.body.id)]);
    const staged = new Set(allStagingKeys(up.body.id));
    expect((await bucketKeys('_staging/')).filter((k) => staged.has(k))).toEqual([]);
  });
});
