/** Idempotent re-upload (contract §7): the same bytes into the same collection are the image they already are. */
import { describe, expect } from 'vitest';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { listStoredFiles, restUpload, waitForImage } from './support/upload.ts';
import { join } from 'node:path';

const test = appTest();

describe('re-uploading the same bytes', () => {
  test('sequentially: 200 with the existing image (no slug, or its own slug), no new row, files or quota; another slug is a new image', async ({ app, alice, collection }) => {
    const photo = await cameraPhoto({ width: 1200, height: 900, seed: 21 });
    const first = await restUpload(alice, photo, { collection, filename: 'Harbour.jpg' });
    expect(first.status).toBe(201);
    await waitForImage(alice, first.body.id);
    const quota = async () => (await alice.json<{ quota: { used: number } }>('GET', '/api/v1/config')).body.quota.used;
    const files = () => listStoredFiles(join(app.dataDir, 'storage'));
    const [used, stored, rows] = [await quota(), await files(), await app.dataSource.query('SELECT count(*)::int AS n FROM images')];

    for (const fields of [{}, { slug: first.body.slug }, { filename: 'other-name.jpg' }]) {
      const again = await restUpload(alice, photo, { collection, ...fields });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: first.body.id, slug: 'harbour', status: 'ready' });
      expect(again.res.headers.get('ratelimit-remaining')).not.toBeNull();
    }
    expect(await quota()).toBe(used);
    expect(await files()).toEqual(stored);
    expect(await app.dataSource.query('SELECT count(*)::int AS n FROM images')).toEqual(rows);

    const other = await restUpload(alice, photo, { collection, slug: 'harbour-copy' });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    expect(await quota()).toBe(used + 1);
    await waitForImage(alice, other.body.id);
  });

  test('10 concurrent identical uploads end as one image, quota +1', async ({ app, alice, collection }) => {
    const photo = await cameraPhoto({ width: 800, height: 600, seed: 22 });
    const quota = async () => (await alice.json<{ quota: { used: number } }>('GET', '/api/v1/config')).body.quota.used;
    const originals = () => listStoredFiles(join(app.dataDir, 'storage', '_originals'));
    const used = await quota();
    const kept = await originals();
    const results = await Promise.all(Array.from({ length: 10 }, () => restUpload(alice, photo, { collection })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await quota()).toBe(used + 1);
    const rows = await app.dataSource.query('SELECT id FROM images WHERE collection_id = $1', [collection]);
    expect(rows).toEqual([{ id: results[0]!.body.id }]);
    await waitForImage(alice, results[0]!.body.id);
    // the nine that found their twin removed the originals they had stored
    expect(await originals()).toEqual([...kept, results[0]!.body.id].sort());
  });

  test('another collection, or a deleted image, does not count', async ({ alice, collection }) => {
    const photo = await cameraPhoto({ width: 640, height: 480, seed: 23 });
    const other = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Other' })).body.id;
    const a = await restUpload(alice, photo, { collection });
    expect((await restUpload(alice, photo, { collection: other })).status).toBe(201);
    await waitForImage(alice, a.body.id);
    expect((await alice.request('DELETE', `/api/v1/images/${a.body.id}`)).status).toBe(204);
    const again = await restUpload(alice, photo, { collection });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(a.body.id);
    await waitForImage(alice, again.body.id);
  });
});
