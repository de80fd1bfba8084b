/** Processing outcomes beyond the happy path: permanent failures and duplicate jobs. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESS_IMAGE_QUEUE } from '../src/jobs/job-queue.ts';
import { ImageStatusDocument } from './generated/graphql.ts';
import { print } from 'graphql';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { invalidFiles, photoJpeg } from './support/images.ts';
import { listStoredFiles, restUpload, waitForImage } from './support/upload.ts';
import { collect, wsClient } from './support/ws.ts';

let app: TestApp;
let alice: Client;
let collection: string;

/** Stored files under a prefix, as `/`-joined paths ending in their key (so `endsWith('/x.webp')` works). */
const stored = async (prefix: string) => (await listStoredFiles(join(app.dataDir, 'storage', prefix))).map((f) => `${prefix}/${f}`);

beforeAll(async () => {
  app = await startTestApp();
  alice = new Client(app.url);
  await alice.signUp();
  collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Edge cases' })).body.id;
});
afterAll(async () => {
  await app?.close();
});

describe('permanent failures', () => {
  it('a truncated JPEG (valid header, missing data) ends failed with a readable error, at once, and leaves no variants', async () => {
    const bytes = await invalidFiles.truncatedJpeg();
    const up = await restUpload(alice, bytes, { collection, slug: 'truncated' });
    // the header is fine, so intake accepts it; decoding is what fails
    expect(up.status).toBe(201);
    const client = wsClient(app.url, { cookie: alice.cookie });
    const sub = collect<{ status: string; error: string | null }>(client, print(ImageStatusDocument), { id: up.body.id }, 'imageStatus');
    await sub.done;
    const last = sub.events.at(-1)!;
    expect(last.status).toBe('FAILED');
    expect(last.error).toMatch(/Processing failed: .+/);
    const final = await waitForImage(alice, up.body.id);
    expect(final).toMatchObject({ status: 'failed', error: last.error, variants: [] });
    expect((await stored(collection)).filter((f) => f.endsWith('/truncated.webp'))).toEqual([]);
    // a corrupt file is not retried: one attempt
    const job = async () => (await app.dataSource.query(`SELECT state, retry_count FROM pgboss.job WHERE data->>'imageId' = $1`, [up.body.id]))[0];
    await expect.poll(job, { timeout: 10_000 }).toMatchObject({ state: 'completed', retry_count: 0 });
    expect((await fetch(`${app.url}/cdn/${collection}/0/truncated.webp`)).status).toBe(404);
    await client.dispose();
  });
});

describe('idempotency', () => {
  it('two jobs for the same image produce the same objects and exactly one ready', async () => {
    await app.processing!.pause();
    const up = await restUpload(alice, await photoJpeg(1200, 900, 5), { collection, slug: 'twice' });
    // a duplicate delivery of the same job (as after a worker died just before completing it)
    await app.queue.boss.send(PROCESS_IMAGE_QUEUE, { imageId: up.body.id });
    const events: { status: string }[] = [];
    const unsubscribe = app.events.subscribe((e) => e.imageId === up.body.id && events.push(e));
    await app.processing!.resume();
    await waitForImage(alice, up.body.id);
    await expect.poll(async () => (await app.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'imageId' = $1 AND state = 'completed'`, [up.body.id]))[0].n, { timeout: 10_000 }).toBe(2);
    unsubscribe();
    expect(events.filter((e) => e.status === 'ready')).toHaveLength(1);
    const [row] = await app.dataSource.query('SELECT status, ready_at FROM images WHERE id = $1', [up.body.id]);
    expect(row.status).toBe('ready');
    expect((await app.dataSource.query('SELECT count(*)::int AS n FROM image_variants WHERE image_id = $1', [up.body.id]))[0].n).toBe(12);
    expect((await stored(collection)).filter((f) => f.endsWith('/twice.webp'))).toHaveLength(12);

    // and running it again later changes nothing
    const before = await (await fetch(`${app.url}/cdn/${collection}/0/twice.webp`)).arrayBuffer();
    await app.queue.boss.send(PROCESS_IMAGE_QUEUE, { imageId: up.body.id });
    await expect.poll(async () => (await app.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'imageId' = $1 AND state = 'completed'`, [up.body.id]))[0].n, { timeout: 10_000 }).toBe(3);
    const after = await (await fetch(`${app.url}/cdn/${collection}/0/twice.webp`)).arrayBuffer();
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(true);
    const [again] = await app.dataSource.query('SELECT status, ready_at FROM images WHERE id = $1', [up.body.id]);
    expect(again.ready_at).toEqual(row.ready_at);
  });
});

describe('deleting an image that is still processing', () => {
  it('hides it at once, ends its watchers, and its job removes every object and frees the slug', async () => {
    await app.processing!.pause();
    const up = await restUpload(alice, await photoJpeg(1600, 1200, 6), { collection, slug: 'changed-my-mind' });
    const client = wsClient(app.url, { cookie: alice.cookie });
    const sub = collect<{ status: string; error: string | null }>(client, print(ImageStatusDocument), { id: up.body.id }, 'imageStatus');
    await expect.poll(() => sub.events.length).toBe(1);
    expect((await alice.request('DELETE', `/api/v1/images/${up.body.id}`)).status).toBe(204);
    await sub.done;
    expect(sub.events.at(-1)).toMatchObject({ status: 'FAILED', error: 'Image deleted' });
    expect((await alice.json('GET', `/api/v1/images/${up.body.id}`)).status).toBe(404);
    expect((await alice.json<{ id: string }[]>('GET', '/api/v1/images')).body.map((i) => i.id)).not.toContain(up.body.id);
    expect((await alice.request('DELETE', `/api/v1/images/${up.body.id}`)).status).toBe(404);
    // until its job has cleaned up, the slug is still held: a new upload cannot be overwritten by it
    expect((await restUpload(alice, await photoJpeg(300, 200, 7), { collection, slug: 'changed-my-mind' })).status).toBe(409);

    await app.processing!.resume();
    await expect.poll(async () => (await app.dataSource.query('SELECT 1 FROM images WHERE id = $1', [up.body.id])).length, { timeout: 15_000 }).toBe(0);
    expect((await stored(collection)).filter((f) => f.endsWith('/changed-my-mind.webp'))).toEqual([]);
    expect(await stored(`_staging/${up.body.id}`)).toEqual([]);
    expect(await stored('_originals').then((f) => f.filter((x) => x.endsWith(up.body.id)))).toEqual([]);
    const again = await restUpload(alice, await photoJpeg(300, 200, 7), { collection, slug: 'changed-my-mind' });
    expect(again.status).toBe(201);
    expect((await waitForImage(alice, again.body.id)).status).toBe('ready');
    await client.dispose();
  });
});

describe('jobs that die for good', () => {
  it('an image whose job exhausted its attempts without finishing is marked failed (dead-letter queue)', async () => {
    await app.processing!.pause();
    const up = await restUpload(alice, await photoJpeg(400, 300, 8), { collection, slug: 'lost-job' });
    // play the part of a worker that took the job and died on its last attempt
    const [job] = await app.queue.boss.fetch(PROCESS_IMAGE_QUEUE);
    expect(job?.data).toEqual({ imageId: up.body.id });
    await app.dataSource.query('UPDATE pgboss.job SET retry_limit = retry_count WHERE id = $1', [job!.id]);
    await app.queue.boss.fail(PROCESS_IMAGE_QUEUE, job!.id, { message: 'worker died' });
    await app.processing!.resume();
    const final = await waitForImage(alice, up.body.id, 20_000);
    expect(final).toMatchObject({ status: 'failed', error: expect.stringContaining('failed on every attempt'), variants: [] });
  });
});

