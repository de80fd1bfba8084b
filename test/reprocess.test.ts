/**
 * Reprocessing a collection (contract §7) under load: while a poller fetches every URL of the
 * collection, a run regenerates every image with AVIF turned on. No fetch may see anything but 200.
 */
import { describe, expect } from 'vitest';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { restUpload, waitForImage } from './support/upload.ts';
import { collect, wsClient } from './support/ws.ts';

const test = appTest();

const IMAGES = 4;

/** Fetches every URL over and over, `lanes` at a time, until stopped; counts fetches and anything but a 200. */
function poll(urls: string[], lanes = 6) {
  let stopped = false;
  let fetches = 0;
  const failures: { url: string; status: number }[] = [];
  let next = 0;
  const running = Promise.all(Array.from({ length: lanes }, async () => {
    while (!stopped) {
      const url = urls[next++ % urls.length]!;
      const res = await fetch(url);
      await res.arrayBuffer();
      fetches++;
      if (res.status !== 200) failures.push({ url, status: res.status });
    }
  }));
  return { stop: async () => ((stopped = true), await running, { fetches, failures }) };
}

describe('reprocessing a collection', () => {
  test('turns AVIF on for every image while every URL keeps answering; a second run meanwhile is 409', async ({ app, alice, collection }) => {
    const uploads = await Promise.all(Array.from({ length: IMAGES }, async (_, i) => restUpload(alice, await cameraPhoto({ width: 1600, height: 1200, seed: 30 + i }), { collection })));
    const ready = await Promise.all(uploads.map((u) => waitForImage(alice, u.body.id))) as unknown as { id: string; variants: { url: string }[] }[];
    const urls = ready.flatMap((i) => i.variants.map((v) => v.url));
    expect(urls).toHaveLength(IMAGES * 12);
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { formats: ['webp', 'avif'] })).status).toBe(200);

    const ws = wsClient(app.url, { cookie: alice.cookie });
    const progress = collect<{ id: string; images: number; done: number; failed: number; running: boolean }>(
      ws,
      'subscription($c: ID!) { reprocessProgress(collectionId: $c) { id images done failed running } }',
      { c: collection },
      'reprocessProgress',
    );
    const poller = poll(urls);
    await app.processing!.pause(); // so the second request surely finds the first run still going
    const run = await alice.json<{ id: string; images: number; status: string }>('POST', `/api/v1/collections/${collection}/reprocess`);
    expect(run).toMatchObject({ status: 202, body: { id: expect.stringMatching(/^job_[a-z0-9]{20}$/), images: IMAGES, status: 'running' } });
    const second = await alice.json('POST', `/api/v1/collections/${collection}/reprocess`);
    expect(second).toMatchObject({ status: 409, body: { code: 'REPROCESS_RUNNING', message: expect.any(String) } });
    await app.processing!.resume();

    await Promise.race([progress.done, progress.error.then((e) => Promise.reject(e))]);
    const { fetches, failures } = await poller.stop();
    await ws.dispose();
    console.log(`reprocess ${run.body.id}: ${IMAGES} images, ${urls.length} URLs polled during the run: ${fetches} fetches, ${failures.length} not 200`);
    expect(failures).toEqual([]);
    expect(fetches).toBeGreaterThan(urls.length);

    // progress came image by image and ended with the run
    expect(progress.events.at(-1)).toEqual({ id: run.body.id, images: IMAGES, done: IMAGES, failed: 0, running: false });
    expect(progress.events.map((e) => e.done)).toEqual([...progress.events.map((e) => e.done)].sort());
    expect(await alice.json('GET', `/api/v1/collections/${collection}/reprocess`)).toMatchObject({ body: { id: run.body.id, status: 'finished', done: IMAGES } });

    for (const image of ready) {
      const after = (await alice.json<{ status: string; variants: { url: string; format: string }[] }>('GET', `/api/v1/images/${image.id}`)).body;
      expect(after.status).toBe('ready');
      expect(after.variants.filter((v) => v.format === 'avif')).toHaveLength(12);
      const served = await Promise.all(after.variants.map(async (v) => (await fetch(v.url)).status));
      expect(served).toEqual(Array(24).fill(200));
    }
    // and a new run may start once that one is over
    expect((await alice.json('POST', `/api/v1/collections/${collection}/reprocess`)).status).toBe(202);
  });

  test('an empty collection finishes at once; someone else\'s collection is 404', async ({ alice, bob, collection }) => {
    const run = await alice.json('POST', `/api/v1/collections/${collection}/reprocess`);
    expect(run).toMatchObject({ status: 202, body: { images: 0, status: 'finished' } });
    expect((await bob.json('POST', `/api/v1/collections/${collection}/reprocess`)).status).toBe(404);
  });
});
