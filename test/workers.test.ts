/**
 * Scaling out and surviving crashes: an API process with processing off plus separate `worker`
 * processes on the same database and storage; a worker SIGKILLed mid-job; the status bus across
 * processes, including a dropped bus connection.
 */
import sharp from 'sharp';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { STEP_PROGRESS } from '../src/modules/images/steps.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { runMain, type RunningProcess } from './support/process.ts';
import { restUpload, waitForImage } from './support/upload.ts';
import { collect, wsClient } from './support/ws.ts';

let api: TestApp;
let alice: Client;
let collection: string;
const workers: RunningProcess[] = [];

function startWorker(extra: Record<string, string> = {}): RunningProcess {
  const w = runMain(['worker'], { DATABASE_URL: api.databaseUrl, DATA_DIR: api.dataDir, WORKER_THREADS: '1', ...extra });
  workers.push(w);
  return w;
}

async function bigPhoto(seed: number): Promise<Buffer> {
  const noise = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 30 + seed } } }).png({ compressionLevel: 0 }).toBuffer();
  return sharp(noise).blur(3).jpeg({ quality: 90 }).toBuffer();
}

beforeAll(async () => {
  api = await startTestApp({ PROCESSING: 'off' });
  alice = new Client(api.url);
  await alice.signUp();
  collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Workers' })).body.id;
});
afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await api?.close();
});

describe('separate worker processes', () => {
  it('an API process with processing off takes no jobs; a worker process finishes them and the API subscriber sees every step', async () => {
    const photo = await sharp({ create: { width: 1500, height: 1000, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
    const up = await restUpload(alice, photo, { collection, slug: 'cross-process' });
    const client = wsClient(api.url, { cookie: alice.cookie });
    const sub = collect<{ status: string; step: string; progress: number }>(client, `subscription($id: ID!) { imageStatus(id: $id) { status step progress } }`, { id: up.body.id }, 'imageStatus');
    await expect.poll(() => sub.events.length).toBe(1); // subscribed, and the current state came first
    await new Promise((r) => setTimeout(r, 500)); // an API process that took jobs would have started by now
    expect((await alice.json<{ status: string }>('GET', `/api/v1/images/${up.body.id}`)).body.status).toBe('processing');

    const worker = startWorker();
    await worker.waitFor(/optimage worker ready/);
    await sub.done;
    const steps = sub.events.map((e) => e.step);
    expect(new Set(steps)).toEqual(new Set(['VALIDATE', 'CONVERT', 'RESIZE', 'OPTIMIZE', 'UPLOAD', 'ACTIVATE']));
    expect(sub.events.at(-1)).toMatchObject({ status: 'READY', progress: 100 });
    const progress = sub.events.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect((await fetch(`${api.url}/cdn/${collection}/320/cross-process.webp`)).status).toBe(200);
    await client.dispose();
  });

  it('a subscriber on the API process still finishes when its bus connection is killed mid-job', async () => {
    const photo = await bigPhoto(1);
    const up = await restUpload(alice, photo, { collection, slug: 'bus-drop' });
    const client = wsClient(api.url, { cookie: alice.cookie });
    const sub = collect<{ status: string; progress: number }>(client, `subscription($id: ID!) { imageStatus(id: $id) { status progress } }`, { id: up.body.id }, 'imageStatus');
    await expect.poll(() => sub.events.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const pid = await api.events.listenerPid();
    await api.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    await sub.done;
    expect(sub.events.at(-1)).toMatchObject({ status: 'READY', progress: 100 });
    await expect.poll(() => api.events.listenerPid(), { timeout: 5_000 }).not.toBe(pid);
    await client.dispose();
  });

  it('a job whose worker is SIGKILLed mid-job is retried by another worker and ends ready exactly once', async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    const doomed = startWorker({ LOG_LEVEL: 'debug' });
    await doomed.waitFor(/optimage worker ready/);
    const up = await restUpload(alice, await bigPhoto(2), { collection, slug: 'crash' });
    // kill it once it has really started on this image
    // (past VALIDATE: the worker has fetched the original into its scratch file)
    await expect.poll(async () => (await api.dataSource.query('SELECT progress FROM images WHERE id = $1', [up.body.id]))[0].progress, { timeout: 20_000 }).toBeGreaterThan(STEP_PROGRESS.VALIDATE);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const killedAt = Date.now();
    const leftovers = async () => (await readdir(join(api.dataDir, 'uploads'))).filter((n) => n.startsWith(`optimage-source-${doomed.child.pid}-`));
    expect(await leftovers()).toHaveLength(1);
    const rescuer = startWorker();
    await rescuer.waitFor(/optimage worker ready/);
    // the start-up sweep removed what the killed worker left behind
    expect(await leftovers()).toEqual([]);
    const final = await waitForImage(alice, up.body.id, 60_000);
    const recoveredIn = Date.now() - killedAt;
    expect(final.status).toBe('ready');
    const job = () => api.dataSource.query(`SELECT state, retry_count FROM pgboss.job WHERE name = 'process-image' AND data->>'imageId' = $1`, [up.body.id]);
    // the job completes just after the image flips to ready
    await expect.poll(async () => (await job())[0].state, { timeout: 10_000 }).toBe('completed');
    const jobs = await job();
    expect(jobs).toHaveLength(1);
    expect(jobs[0].retry_count).toBeGreaterThanOrEqual(1);
    const variants = await api.dataSource.query('SELECT count(*)::int AS n FROM image_variants WHERE image_id = $1', [up.body.id]);
    expect(variants[0].n).toBe(12);
    // a measured figure for the notes, not an assertion: timing belongs to benchmarks
    console.log(`crash recovery: ready ${recoveredIn} ms after the SIGKILL`);
  });
});
