/**
 * A collection's quality (contract §15) end to end: the setting over REST and GraphQL with its
 * validation, numeric qualities in the bytes of the files, and "auto" choosing per image — a flat
 * render gets a lower quality than a detailed photo — and reporting what it chose on the image.
 */
import sharp from 'sharp';
import { describe, expect } from 'vitest';
import { AUTO_TARGET, LARGE_TARGET, SMALL_FILES_MAX_WIDTH } from '../src/modules/quality/auto-quality.ts';
import { ssimulacra2 } from '../src/modules/quality/ssimulacra2.ts';
import { ImageQualityDocument, SetCollectionQualityDocument } from './generated/graphql.ts';
import { appTest } from './support/fixtures.ts';
import { realPhotos } from './support/real-photos.ts';
import { uploadReady } from './support/upload.ts';

const test = appTest();

/** A real picture of the corpus, scaled to 1600 px wide as a high-quality JPEG (a phone-sized upload). */
async function corpusJpeg(name: string): Promise<Buffer> {
  const photo = realPhotos().find((p) => p.name === name);
  if (!photo) throw new Error(`${name} is not in the corpus`);
  return sharp(photo.path).autoOrient().resize(1600).flatten({ background: '#ffffff' }).jpeg({ quality: 95 }).toBuffer();
}

type ReadyImage = { id: string; status: string; quality?: number; variants: { size: number; format: string; bytes: number; width: number; height: number; url: string; quality?: number }[] };


describe('collection quality setting', () => {
  test('REST: 80 by default, 1–100 or "auto" accepted, anything else 400 INVALID_QUALITY', async ({ alice, collection }) => {
    expect((await alice.json('GET', `/api/v1/collections/${collection}`)).body).toMatchObject({ quality: 80 });
    for (const quality of [1, 100, 'auto', 55]) {
      const res = await alice.json('PATCH', `/api/v1/collections/${collection}`, { quality });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: collection, quality });
    }
    for (const quality of [0, 101, 'best', 80.5, '80', null]) {
      const res = await alice.json('PATCH', `/api/v1/collections/${collection}`, { quality });
      expect(res.status, `quality ${JSON.stringify(quality)}`).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_QUALITY' });
    }
    expect((await alice.json('GET', `/api/v1/collections/${collection}`)).body).toMatchObject({ quality: 55 });
  });

  test('GraphQL: updateCollection(quality:) takes an Int or "auto"; bad values are a typed ValidationError', async ({ alice, bob, collection }) => {
    const auto = await alice.gql(SetCollectionQualityDocument, { id: collection, quality: 'auto' });
    expect(auto.data?.updateCollection).toEqual({ __typename: 'Collection', id: collection, quality: 'auto' });
    const seventy = await alice.gql(SetCollectionQualityDocument, { id: collection, quality: 70 });
    expect(seventy.data?.updateCollection).toEqual({ __typename: 'Collection', id: collection, quality: 70 });
    for (const quality of [0, 101, 'best', 80.5]) {
      const res = await alice.gql(SetCollectionQualityDocument, { id: collection, quality });
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      expect(res.data?.updateCollection, `quality ${JSON.stringify(quality)}`).toMatchObject({ __typename: 'ValidationError', code: 'INVALID_QUALITY', field: 'quality' });
    }
    expect((await bob.gql(SetCollectionQualityDocument, { id: collection, quality: 50 })).data?.updateCollection).toMatchObject({ __typename: 'NotFoundError' });
    expect((await alice.json('GET', `/api/v1/collections/${collection}`)).body).toMatchObject({ quality: 70 });
  });
});

describe('quality in the files', () => {
  test('a numeric quality changes the bytes of every size, and is reported on the image', { timeout: 300_000 }, async ({ alice }) => {
    const photo = await corpusJpeg('Dragonfly_by_Bolly.jpg');
    const images: ReadyImage[] = [];
    for (const quality of [30, 95]) {
      const col = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: `q${quality}` })).body.id;
      await alice.json('PATCH', `/api/v1/collections/${col}`, { quality });
      images.push(await uploadReady<ReadyImage>(alice, col, photo, `dragonfly-q${quality}`));
    }
    const [low, high] = images as [ReadyImage, ReadyImage];
    expect([low.quality, high.quality]).toEqual([30, 95]);
    for (const v of low.variants) {
      const twin = high.variants.find((h) => h.size === v.size && h.format === v.format)!;
      expect(v.bytes, `size ${v.size}`).toBeLessThan(twin.bytes * 0.6);
    }
  });

  test('"auto" gives a flat render a lower quality than a detailed photo, reported over REST and GraphQL', { timeout: 300_000 }, async ({ alice, collection }) => {
    await alice.json('PATCH', `/api/v1/collections/${collection}`, { quality: 'auto' });
    const flat = await uploadReady<ReadyImage>(alice, collection, await corpusJpeg('city.png'), 'city');
    const detailed = await uploadReady<ReadyImage>(alice, collection, await corpusJpeg('aitzgorri_by_Aitzol_Berasategi.jpg'), 'aitzgorri');
    expect(flat.quality).toBeGreaterThanOrEqual(40);
    expect(detailed.quality).toBeLessThanOrEqual(92);
    expect(flat.quality!, `flat ${flat.quality}, detailed ${detailed.quality}`).toBeLessThan(detailed.quality! - 20);
    const viaGraphql = await alice.gql(ImageQualityDocument, { id: flat.id });
    expect(viaGraphql.data?.image).toEqual({ id: flat.id, status: 'READY', quality: flat.quality });
  });

  test('"auto" gives the files wider than 512 px their own quality, searched on the 1024-px file, and each file reports the quality it was made with', { timeout: 300_000 }, async ({ alice, collection }) => {
    await alice.json('PATCH', `/api/v1/collections/${collection}`, { quality: 'auto' });
    // a detailed photo whose 1024-px file needs more than its 320-px one (57 and 64 on the corpus' curves)
    const upload = await corpusJpeg('Bridge_by_Sander_Klootwijk.jpg');
    const image = await uploadReady<ReadyImage>(alice, collection, upload, 'bridge');
    const webp = image.variants.filter((v) => v.format === 'webp');
    const qualities = (sizes: (size: number) => boolean) => [...new Set(webp.filter((v) => sizes(v.size)).map((v) => v.quality))];
    const [small] = qualities((size) => size > 0 && size <= SMALL_FILES_MAX_WIDTH);
    const [large] = qualities((size) => size > SMALL_FILES_MAX_WIDTH);
    // one quality per group: the full size's is the image's, the small files' no higher
    expect(qualities((size) => size === 0)).toEqual([image.quality]);
    expect(qualities((size) => size > 0 && size <= SMALL_FILES_MAX_WIDTH)).toHaveLength(1);
    expect(qualities((size) => size > SMALL_FILES_MAX_WIDTH)).toHaveLength(1);
    expect(small!).toBeLessThanOrEqual(image.quality!);
    expect(large, `small files ${small}, larger files ${large}`).not.toBe(small);
    for (const q of [small!, large!]) expect(q >= 40 && q <= 80, `quality ${q}`).toBe(true);
    // each searched file reaches its target against its own input, as the pipeline resizes it from
    // the decoded upload (the searches' guarantee; 0.3 of slack for the input remade here)
    const decodedUpload = await sharp(upload).removeAlpha().raw().toBuffer({ resolveWithObject: true }); // no shrink-on-load, as the pipeline's decode
    for (const [size, target] of [[320, AUTO_TARGET], [1024, LARGE_TARGET]] as const) {
      const file = webp.find((v) => v.size === size)!;
      const served = Buffer.from(await (await fetch(file.url)).arrayBuffer());
      const input = await sharp(decodedUpload.data, { raw: decodedUpload.info }).resize(file.width, file.height, { fit: 'fill' }).raw().toBuffer();
      const decoded = await sharp(served).removeAlpha().raw().toBuffer();
      const score = ssimulacra2({ data: input, width: file.width, height: file.height, channels: 3 }, { data: decoded, width: file.width, height: file.height, channels: 3 });
      expect(score, `${size} px at quality ${file.quality}`).toBeGreaterThanOrEqual(target - 0.3);
    }
  });

  test('"auto" on a picture with transparency: every group searched (the metric blends over two backgrounds), the larger files keep their alpha', { timeout: 300_000 }, async ({ alice, collection }) => {
    await alice.json('PATCH', `/api/v1/collections/${collection}`, { quality: 'auto' });
    const photo = realPhotos().find((p) => p.name === 'calla.png')!;
    const { data, info } = await sharp(photo.path).autoOrient().resize(1600).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    // a vignette in the alpha channel: opaque in the middle, clear at the corners
    const alpha = Buffer.alloc(info.width * info.height);
    for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) alpha[y * info.width + x] = Math.max(0, 255 - Math.round(255 * Math.hypot(x / info.width - 0.5, y / info.height - 0.5) * 1.6));
    const png = await sharp(data, { raw: info }).joinChannel(alpha, { raw: { width: info.width, height: info.height, channels: 1 } }).png().toBuffer();
    const image = await uploadReady<ReadyImage>(alice, collection, png, 'calla-alpha');
    const webp = image.variants.filter((v) => v.format === 'webp');
    for (const v of webp) expect(v.quality! >= 40 && v.quality! <= 80, `${v.size}: ${v.quality}`).toBe(true);
    const file = webp.find((v) => v.size === 1024)!;
    const served = Buffer.from(await (await fetch(file.url)).arrayBuffer());
    expect((await sharp(served).metadata()).hasAlpha).toBe(true);
  });

  test('"auto" on a picture narrower than 1024 px searches the larger files on the widest of them', { timeout: 300_000 }, async ({ alice, collection }) => {
    await alice.json('PATCH', `/api/v1/collections/${collection}`, { quality: 'auto' });
    const photo = realPhotos().find((p) => p.name === 'Bridge_by_Sander_Klootwijk.jpg')!;
    const upload = await sharp(photo.path).autoOrient().resize(800).jpeg({ quality: 95 }).toBuffer();
    const image = await uploadReady<ReadyImage>(alice, collection, upload, 'bridge-800');
    const webp = image.variants.filter((v) => v.format === 'webp');
    const larger = webp.filter((v) => v.size > SMALL_FILES_MAX_WIDTH && v.width < 800);
    expect(larger.map((v) => v.size)).toEqual([576, 672, 768]);
    expect(new Set(larger.map((v) => v.quality)).size).toBe(1);
    // searched on its own: this photo's larger files need another quality than its 320-px one
    const small = webp.find((v) => v.size === 320)!.quality;
    expect(larger[0]!.quality, `small files ${small}`).not.toBe(small);
    // the widest of them reaches the larger files' target against its own input
    const file = larger.at(-1)!;
    const decodedUpload = await sharp(upload).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const input = await sharp(decodedUpload.data, { raw: decodedUpload.info }).resize(file.width, file.height, { fit: 'fill' }).raw().toBuffer();
    const served = await sharp(Buffer.from(await (await fetch(file.url)).arrayBuffer())).removeAlpha().raw().toBuffer();
    const score = ssimulacra2({ data: input, width: file.width, height: file.height, channels: 3 }, { data: served, width: file.width, height: file.height, channels: 3 });
    expect(score, `768 px at quality ${file.quality}`).toBeGreaterThanOrEqual(LARGE_TARGET - 0.3);
  });
});
