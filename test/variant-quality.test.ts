/**
 * Each stored file's encoder quality (contract §15), end to end: made by the real pipeline from a
 * real photo, written with the variant rows (at upload and at reprocessing) and read back by every
 * path that lists variants — REST detail (entity relation), REST list and GraphQL (the batched raw
 * read) — as its WebP quality, or for an AVIF file its AVIF quality.
 */
import sharp from 'sharp';
import { describe, expect } from 'vitest';
import { avifQualityFor } from '../src/modules/quality/auto-quality.ts';
import { CollectionVariantQualityDocument, ImageVariantQualityDocument } from './generated/graphql.ts';
import { appTest } from './support/fixtures.ts';
import { realPhotos } from './support/real-photos.ts';
import type { Client } from './support/http.ts';
import { uploadReady } from './support/upload.ts';

const test = appTest();

/** A real picture of the corpus, scaled to 1600 px wide as a high-quality JPEG (a phone-sized upload). */
async function corpusJpeg(name: string): Promise<Buffer> {
  const photo = realPhotos().find((p) => p.name === name);
  if (!photo) throw new Error(`${name} is not in the corpus`);
  return sharp(photo.path).autoOrient().resize(1600).flatten({ background: '#ffffff' }).jpeg({ quality: 95 }).toBuffer();
}

type Variant = { size: number; format: string; quality?: number | null; name?: string };
type RestImage = { id: string; status: string; quality?: number; variants: Variant[] };


/** `format size → quality` of the numbered sizes (named files have no size and are left out). */
const qualities = (variants: readonly Variant[]) =>
  Object.fromEntries(variants.filter((v) => v.name === undefined).map((v) => [`${v.format} ${v.size}`, v.quality]));

/** What every numbered file of an image made at WebP quality `webp` reports, for the sizes in `sized`. */
function expected(sized: readonly Variant[], webp: number): Record<string, number> {
  return Object.fromEntries(sized.filter((v) => v.name === undefined).map((v) => [`${v.format} ${v.size}`, v.format === 'avif' ? avifQualityFor(webp) : webp]));
}

/** The image's numbered files as REST detail, REST list, GraphQL image and GraphQL connection report them. */
async function everyRead(client: Client, collection: string, id: string) {
  const detail = (await client.json<RestImage>('GET', `/api/v1/images/${id}`)).body;
  const list = (await client.json<RestImage[]>('GET', '/api/v1/images')).body.find((i) => i.id === id)!;
  const paged = (await client.json<RestImage[]>('GET', '/api/v1/images?limit=1000')).body.find((i) => i.id === id)!;
  const one = await client.gql(ImageVariantQualityDocument, { id });
  expect(one.errors, JSON.stringify(one.errors)).toBeUndefined();
  const page = await client.gql(CollectionVariantQualityDocument, { collectionId: collection });
  expect(page.errors, JSON.stringify(page.errors)).toBeUndefined();
  const node = page.data!.images.edges.map((e) => e.node).find((n) => n.id === id)!;
  // GraphQL spells formats in upper case
  const lower = (variants: readonly Variant[]) => variants.map((v) => ({ ...v, format: v.format.toLowerCase() }));
  return {
    detail,
    reads: {
      'REST detail': qualities(detail.variants),
      'REST list (streamed)': qualities(list.variants),
      'REST list (a page)': qualities(paged.variants),
      'GraphQL image': qualities(lower(one.data!.image!.variants)),
      'GraphQL images connection': qualities(lower(node.variants)),
    },
  };
}

describe('the encoder quality of each stored file', () => {
  test('quality 55 with WebP and AVIF: every WebP file reports 55, every AVIF file 41, over REST and GraphQL; a reprocess at 70 rewrites them', { timeout: 300_000 }, async ({ alice, collection }) => {
    expect(avifQualityFor(55)).toBe(41);
    const patched = await alice.json('PATCH', `/api/v1/collections/${collection}`, { quality: 55, formats: ['webp', 'avif'] });
    expect(patched).toMatchObject({ status: 200, body: { quality: 55, formats: ['webp', 'avif'] } });
    const image = await uploadReady<RestImage>(alice, collection, await corpusJpeg('Dragonfly_by_Bolly.jpg'), 'dragonfly-55');
    expect(image.quality).toBe(55);

    const { detail, reads } = await everyRead(alice, collection, image.id);
    const numbered = detail.variants.filter((v) => v.name === undefined);
    // a 1600-px photo: the full size and 11 widths, in both formats
    expect(numbered.filter((v) => v.format === 'webp')).toHaveLength(12);
    expect(numbered.filter((v) => v.format === 'avif')).toHaveLength(12);
    const want = expected(numbered, 55);
    expect(new Set(Object.values(want))).toEqual(new Set([55, 41]));
    for (const [path, got] of Object.entries(reads)) expect(got, path).toEqual(want);

    // a reprocess writes the rows anew, with the quality of the new files
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { quality: 70 })).status).toBe(200);
    const run = await alice.json<{ id: string }>('POST', `/api/v1/collections/${collection}/reprocess`);
    expect(run.status).toBe(202);
    const deadline = Date.now() + 120_000;
    while ((await alice.json<{ status: string }>('GET', `/api/v1/collections/${collection}/reprocess`)).body.status !== 'finished') {
      if (Date.now() > deadline) throw new Error('the reprocess run did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = await everyRead(alice, collection, image.id);
    expect(after.detail.quality).toBe(70);
    const rewritten = expected(after.detail.variants, 70);
    expect(new Set(Object.values(rewritten))).toEqual(new Set([70, avifQualityFor(70)]));
    expect(Object.keys(rewritten).sort()).toEqual(Object.keys(want).sort());
    for (const [path, got] of Object.entries(after.reads)) expect(got, path).toEqual(rewritten);
  });

  test('a default collection: every file is WebP and reports 80, over REST and GraphQL', { timeout: 300_000 }, async ({ alice, collection }) => {
    const image = await uploadReady<RestImage>(alice, collection, await corpusJpeg('aitzgorri_by_Aitzol_Berasategi.jpg'), 'aitzgorri-default');
    expect(image.quality).toBe(80);
    const { detail, reads } = await everyRead(alice, collection, image.id);
    const numbered = detail.variants.filter((v) => v.name === undefined);
    expect(numbered).toHaveLength(12);
    expect(numbered.every((v) => v.format === 'webp')).toBe(true);
    const want = expected(numbered, 80);
    expect(new Set(Object.values(want))).toEqual(new Set([80]));
    for (const [path, got] of Object.entries(reads)) expect(got, path).toEqual(want);
  });
});
