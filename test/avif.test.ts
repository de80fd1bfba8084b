/** AVIF per collection (contract §7): 24 files when on, served as image/avif; off again + reprocess removes them only. */
import sharp from 'sharp';
import { describe, expect } from 'vitest';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { decodeElsewhere } from './support/decode.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import type { Client } from './support/http.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const test = appTest();

interface Variant {
  size: number;
  format: 'webp' | 'avif';
  width: number;
  url: string;
}

const fetchAll = (urls: string[]) => Promise.all(urls.map(async (url) => {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}));

async function reprocessed(alice: Client, collection: string): Promise<void> {
  const started = await alice.json<{ id: string; images: number }>('POST', `/api/v1/collections/${collection}/reprocess`);
  expect(started.status).toBe(202);
  await expect.poll(async () => (await alice.json<{ status: string }>('GET', `/api/v1/collections/${collection}/reprocess`)).body.status, { timeout: 30_000 }).toBe('finished');
}

describe('AVIF per collection', () => {
  test('on: all 12 sizes also as AVIF, each decoding at its width; off + reprocess: the AVIF files go, the WebP ones stay as they were', async ({ alice, collection }) => {
    const patched = await alice.json('PATCH', `/api/v1/collections/${collection}`, { formats: ['webp', 'avif'] });
    expect(patched).toMatchObject({ status: 200, body: { id: collection, formats: ['webp', 'avif'] } });
    const up = await restUpload(alice, await cameraPhoto({ width: 1600, height: 1200, seed: 8 }), { collection, slug: 'both' });
    const image = (await waitForImage(alice, up.body.id)) as unknown as { status: string; variants: Variant[] };
    expect(image.status).toBe('ready');
    expect(image.variants).toHaveLength(24);
    const avif = image.variants.filter((v) => v.format === 'avif');
    const webp = image.variants.filter((v) => v.format === 'webp');
    expect(avif.map((v) => v.size)).toEqual([...VARIANT_SIZES]);
    expect(avif.map((v) => v.url)).toEqual(VARIANT_SIZES.map((size) => `${alice.baseUrl}/cdn/${collection}/${size}/both.avif`));

    const served = await fetchAll(image.variants.map((v) => v.url));
    expect(served.map((r) => r.status)).toEqual(Array(24).fill(200));
    expect(served.map((r) => r.type)).toEqual(image.variants.map((v) => `image/${v.format}`));
    const decoded = await decodeElsewhere(served.filter((_, i) => image.variants[i]!.format === 'avif').map((r) => r.bytes));
    expect(decoded.map((d) => [d.compression, d.width])).toEqual(avif.map((v) => ['av1', v.width]));
    for (const [i, v] of webp.entries()) expect((await sharp(served[image.variants.indexOf(v)]!.bytes).metadata()).width, `webp ${i}`).toBe(v.width);
    // smaller than the WebP at the same size (the settings aim at the same quality)
    const bytes = (format: string) => image.variants.filter((v) => v.format === format && v.size === 1280).map((v) => (v as unknown as { bytes: number }).bytes)[0]!;
    expect(bytes('avif')).toBeLessThan(bytes('webp'));

    const gql = await alice.json<{ data: { image: { avifSrcset: string } } }>('POST', '/graphql', { query: 'query($id: ID!) { image(id: $id) { avifSrcset } }', variables: { id: up.body.id } });
    expect(gql.body.data.image.avifSrcset).toBe(avif.filter((v) => v.size > 0).map((v) => `${v.url} ${v.width}w`).join(', '));

    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { formats: ['webp'] })).status).toBe(200);
    await reprocessed(alice, collection);
    const after = (await alice.json<{ variants: Variant[] }>('GET', `/api/v1/images/${up.body.id}`)).body;
    expect(after.variants.map((v) => v.format)).toEqual(Array(12).fill('webp'));
    expect((await fetchAll(avif.map((v) => v.url))).map((r) => r.status)).toEqual(Array(12).fill(404));
    const webpAfter = await fetchAll(webp.map((v) => v.url));
    expect(webpAfter.map((r) => r.status)).toEqual(Array(12).fill(200));
    // the same settings make the same bytes: the WebP files are untouched in content
    expect(webpAfter.map((r) => r.bytes.equals(served[image.variants.indexOf(webp[webpAfter.indexOf(r)]!)]!.bytes))).toEqual(Array(12).fill(true));
  });

  test('formats are checked: WebP cannot be turned off, unknown formats are refused', async ({ alice, collection }) => {
    for (const formats of [['avif'], ['webp', 'jpeg'], 'avif', []]) {
      const res = await alice.json('PATCH', `/api/v1/collections/${collection}`, { formats });
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_FORMATS', message: expect.any(String) } });
    }
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, {})).body).toMatchObject({ code: 'INVALID_INPUT' });
    const res = await alice.json<{ data: { updateCollection: { formats: string[] } } }>('POST', '/graphql', {
      query: 'mutation($id: ID!) { updateCollection(id: $id, formats: [WEBP, AVIF]) { ... on Collection { formats } } }',
      variables: { id: collection },
    });
    expect(res.body.data.updateCollection.formats).toEqual(['WEBP', 'AVIF']);
  });
});
