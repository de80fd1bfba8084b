/**
 * Art direction (contract §13): named variants per collection around a focal point, on real photos.
 * The planner's golden geometry per fit (pure), then the whole path: collection settings, upload
 * with and without a focal point, the files on the CDN with their cache headers, GraphQL, moving
 * the focal point (only cover crops change, their URLs answering throughout) and reprocessing.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { planNamed, type NamedBox } from '../src/modules/processing/variant-plan.ts';
import { appTest } from './support/fixtures.ts';
import { animatedGif } from './support/images.ts';
import type { Client } from './support/http.ts';
import { realPhotos } from './support/real-photos.ts';
import { listStoredFiles, sha256, waitForImage } from './support/upload.ts';

const test = appTest();

const BOXES: NamedBox[] = [
  { name: 'avatar', width: 256, height: 256, fit: 'cover' },
  { name: 'card', width: 640, height: 360, fit: 'cover' },
  { name: 'thumb', width: 300, height: 300, fit: 'inside' },
  { name: 'tile', width: 400, height: 400, fit: 'contain' },
];

interface NamedFileJson {
  name?: string;
  size?: number;
  format: string;
  width: number;
  height: number;
  url: string;
}

/** A real camera photo, downscaled to `width` (the shape matters here, not the megapixels). */
async function photo(name: string, width: number): Promise<Buffer> {
  const source = realPhotos('photo').find((p) => p.name === name)!;
  return sharp(source.path).resize(width).jpeg({ quality: 88 }).toBuffer();
}

async function upload(client: Client, bytes: Buffer, collection: string, slug: string, focal?: { x: number; y: number }) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), `${slug}.jpg`);
  form.append('checksum', sha256(bytes));
  form.append('collection', collection);
  form.append('slug', slug);
  if (focal) {
    form.append('focalX', String(focal.x));
    form.append('focalY', String(focal.y));
  }
  return client.json<{ id: string; code?: string; message?: string }>('POST', '/api/v1/images', form);
}

const named = (image: Record<string, unknown>) => (image.variants as NamedFileJson[]).filter((v) => v.name);

describe('the named-variant planner (golden geometry)', () => {
  it('cover: exactly the box, the largest region of its shape around the focal point, clamped inside the picture', () => {
    const [avatar, card] = planNamed({ width: 4000, height: 3000 }, BOXES.slice(0, 2), { x: 0.9, y: 0.1 });
    expect(avatar).toMatchObject({ width: 256, height: 256, cropped: true, region: { left: 1000, top: 0, width: 3000, height: 3000 } });
    expect(card).toMatchObject({ width: 640, height: 360, region: { left: 0, top: 0, width: 4000, height: 2250 } });
    const [centred] = planNamed({ width: 4000, height: 3000 }, BOXES.slice(0, 1), { x: 0.5, y: 0.5 });
    expect(centred!.region).toEqual({ left: 500, top: 0, width: 3000, height: 3000 });
  });

  it('inside and contain: the whole picture, scaled to fit; contain letterboxes it centred on the box', () => {
    const [, , thumb, tile] = planNamed({ width: 4000, height: 3000 }, BOXES, { x: 0.5, y: 0.5 });
    expect(thumb).toMatchObject({ width: 300, height: 225, cropped: false, region: { left: 0, top: 0, width: 4000, height: 3000 } });
    expect(tile).toMatchObject({ width: 400, height: 400, cropped: false, inner: { left: 0, top: 50, width: 400, height: 300 } });
  });

  it('never enlarges: a source smaller than the box gives the largest crop of its shape, or keeps its own size', () => {
    const [avatar, card, thumb, tile] = planNamed({ width: 200, height: 150 }, BOXES, { x: 0.2, y: 0.8 });
    expect(avatar).toMatchObject({ width: 150, height: 150, region: { left: 0, top: 0, width: 150, height: 150 } });
    expect(card).toMatchObject({ width: 200, height: 113, region: { left: 0, top: 37, width: 200, height: 113 } });
    expect(thumb).toMatchObject({ width: 200, height: 150 });
    expect(tile).toMatchObject({ width: 200, height: 200, inner: { left: 0, top: 25, width: 200, height: 150 } });
  });

  it('the focal point is inside every cover crop, and every crop inside the picture (600 random cases)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 600; i++) {
      const source = { width: 1 + Math.floor(random() * 5000), height: 1 + Math.floor(random() * 5000) };
      const box: NamedBox = { name: 'b', width: 1 + Math.floor(random() * 2000), height: 1 + Math.floor(random() * 2000), fit: 'cover' };
      const focal = { x: random(), y: random() };
      const [crop] = planNamed(source, [box], focal);
      const { left, top, width, height } = crop!.region;
      const at = `${JSON.stringify({ source, box, focal })}`;
      expect(left >= 0 && top >= 0 && left + width <= source.width && top + height <= source.height, at).toBe(true);
      expect(focal.x * source.width >= left - 0.5 && focal.x * source.width <= left + width + 0.5, at).toBe(true);
      expect(focal.y * source.height >= top - 0.5 && focal.y * source.height <= top + height + 0.5, at).toBe(true);
      expect(crop!.width <= box.width && crop!.height <= box.height, at).toBe(true);
      expect(crop!.width <= width && crop!.height <= height, at).toBe(true); // never enlarged
    }
  });
});

describe('named variants end to end', () => {
  test('settings are checked: more than 20, a bad name, a name twice, a bad fit, a bad policy are 400s with their codes', async ({ alice, collection }) => {
    const patch = (body: unknown) => alice.json<{ code: string }>('PATCH', `/api/v1/collections/${collection}`, body);
    const many = Array.from({ length: 21 }, (_, i) => ({ name: `v${i}`, width: 10, height: 10, fit: 'cover' }));
    expect((await patch({ variants: many })).body.code).toBe('INVALID_VARIANTS');
    expect((await patch({ variants: [{ name: 'Avatar', width: 10, height: 10 }] })).body.code).toBe('INVALID_VARIANTS');
    expect((await patch({ variants: [{ name: 'a', width: 10, height: 10 }, { name: 'a', width: 20, height: 20 }] })).body.code).toBe('INVALID_VARIANTS');
    expect((await patch({ variants: [{ name: 'a', width: 10, height: 10, fit: 'fill' }] })).body.code).toBe('INVALID_VARIANTS');
    expect((await patch({ metadata: 'all' })).body.code).toBe('INVALID_METADATA_POLICY');
    expect((await patch({ colorProfile: 'cmyk' })).body.code).toBe('INVALID_COLOR_PROFILE');
    const ok = await patch({ variants: BOXES, metadata: 'copyright', colorProfile: 'wide' });
    expect(ok).toMatchObject({ status: 200, body: { variants: BOXES, metadata: 'copyright', colorProfile: 'wide' } });
  });

  test('an upload with a focal point: every named file on the CDN at its geometry, max-age + ETag, and in GraphQL', async ({ alice, collection }) => {
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { variants: BOXES })).status).toBe(200);
    const bytes = await photo('Kleiber_by_Lukas_Baubkus.jpg', 2000); // 2000×1125, a bird on bark
    const up = await upload(alice, bytes, collection, 'bird', { x: 0.25, y: 0.6 });
    expect(up.status).toBe(201);
    const image = await waitForImage(alice, up.body.id);
    expect(image.status).toBe('ready');
    expect(image.focalPoint).toEqual({ x: 0.25, y: 0.6, source: 'given' });
    expect(image.variants as NamedFileJson[]).toHaveLength(12 + 4);
    expect(named(image).map((v) => [v.name, v.width, v.height, v.format])).toEqual([
      ['avatar', 256, 256, 'webp'],
      ['card', 640, 360, 'webp'],
      ['thumb', 300, 169, 'webp'],
      ['tile', 400, 400, 'webp'],
    ]);
    for (const v of named(image)) {
      expect(v.url).toBe(`${alice.baseUrl}/cdn/${collection}/${v.name}/bird.webp`);
      const res = await fetch(v.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
      const etag = res.headers.get('etag')!;
      expect(etag).toMatch(/^"[0-9a-f]+"$/);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect([meta.width, meta.height], v.name).toEqual([v.width, v.height]);
      expect((await fetch(v.url, { headers: { 'if-none-match': etag } })).status).toBe(304);
    }
    // the letterbox of `contain` is transparent, the picture in the middle is not
    const tile = await sharp(Buffer.from(await (await fetch(named(image)[3]!.url)).arrayBuffer())).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const alphaAt = (x: number, y: number) => tile.data[(y * tile.info.width + x) * 4 + 3];
    expect([alphaAt(200, 5), alphaAt(200, 200), alphaAt(200, 394)]).toEqual([0, 255, 0]);
    // numbered sizes stay immutable
    const numbered = (image.variants as NamedFileJson[]).find((v) => v.size === 320)!;
    expect((await fetch(numbered.url)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const gql = await alice.json<{ data: { image: { focalPoint: { x: number; y: number; auto: boolean }; variant: { url: string; width: number; height: number }; missing: null } } }>('POST', '/graphql', {
      query: 'query($id: ID!) { image(id: $id) { focalPoint { x y auto } variant(name: "card") { url width height } missing: variant(name: "nope") { url } } }',
      variables: { id: up.body.id },
    });
    expect(gql.body.data.image).toEqual({ focalPoint: { x: 0.25, y: 0.6, auto: false }, variant: { url: named(image)[1]!.url, width: 640, height: 360 }, missing: null });
  });

  test('moving the focal point re-renders only the cover crops; their URLs answer throughout', async ({ alice, collection }) => {
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { variants: BOXES })).status).toBe(200);
    const up = await upload(alice, await photo('friends_by_Aitzol_Berasategi.jpg', 1200), collection, 'dogs', { x: 0.5, y: 0.2 });
    const image = await waitForImage(alice, up.body.id);
    const before = new Map(await Promise.all(named(image).map(async (v) => [v.name!, Buffer.from(await (await fetch(v.url)).arrayBuffer())] as const)));
    const moved = await alice.json<{ focalPoint: unknown; code?: string }>('PATCH', `/api/v1/images/${up.body.id}`, { focalPoint: { x: 0.5, y: 0.9 } });
    expect(moved).toMatchObject({ status: 200, body: { focalPoint: { x: 0.5, y: 0.9, source: 'given' } } });
    expect((await alice.json<{ code: string }>('PATCH', `/api/v1/images/${up.body.id}`, { focalPoint: { x: 1.5, y: 0 } })).body.code).toBe('INVALID_FOCAL_POINT');
    const avatarUrl = named(image).find((v) => v.name === 'avatar')!.url;
    const statuses: number[] = [];
    await expect
      .poll(async () => {
        const res = await fetch(avatarUrl);
        statuses.push(res.status);
        return Buffer.from(await res.arrayBuffer()).equals(before.get('avatar')!);
      }, { timeout: 30_000, interval: 50 })
      .toBe(false);
    expect(new Set(statuses)).toEqual(new Set([200]));
    for (const v of named(image)) {
      const now = Buffer.from(await (await fetch(v.url)).arrayBuffer());
      expect(now.equals(before.get(v.name!)!), v.name).toBe(v.name === 'avatar' || v.name === 'card' ? false : true);
    }
    // the crop now shows the bottom of the portrait: its top row is the old crop's lower part
    const meta = await sharp(Buffer.from(await (await fetch(avatarUrl)).arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([256, 256]);
  });

  test('a focal point set while the image is being processed: its cover crops end up cut around that point', async ({ alice, collection }) => {
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { variants: [BOXES[0]] })).status).toBe(200);
    const source = realPhotos('photo').find((p) => p.name === 'friends_by_Aitzol_Berasategi.jpg')!;
    const bytes = await sharp(source.path).resize(2400).jpeg({ quality: 90 }).toBuffer(); // a portrait: a square crop moves along y
    const [top, bottom] = [{ x: 0.5, y: 0.1 }, { x: 0.5, y: 0.9 }];
    const avatar = async (image: Record<string, unknown>) => sharp(Buffer.from(await (await fetch(named(image)[0]!.url)).arrayBuffer())).raw().toBuffer();
    const meanDiff = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;
    // the reference: the same photo with the bottom point given at upload
    const reference = await avatar(await waitForImage(alice, (await upload(alice, bytes, collection, 'reference', bottom)).body.id));
    // uploaded with the top point; moved to the bottom once the job has read the old one
    let moving: { id: string } | null = null;
    for (let attempt = 0; attempt < 3 && !moving; attempt++) {
      const up = await upload(alice, bytes, collection, `moving-${attempt}`, top);
      await expect.poll(async () => (await alice.json<{ progress: number }>('GET', `/api/v1/images/${up.body.id}`)).body.progress, { interval: 10 }).toBeGreaterThan(0);
      const moved = await alice.json<{ status: string }>('PATCH', `/api/v1/images/${up.body.id}`, { focalPoint: bottom });
      expect(moved.status).toBe(200);
      if (moved.body.status === 'processing') moving = up.body; // else it finished first: try again
      await waitForImage(alice, up.body.id);
    }
    expect(moving, 'the focal point was set while the image was processing').not.toBeNull();
    const image = (await alice.json<Record<string, unknown>>('GET', `/api/v1/images/${moving!.id}`)).body;
    expect(image.focalPoint).toEqual({ ...bottom, source: 'given' });
    await expect.poll(async () => meanDiff(await avatar(image), reference), { timeout: 30_000, interval: 200 }).toBeLessThan(2);
    // and a crop around the top point is not that picture (the comparison can tell them apart)
    const topOnly = await avatar(await waitForImage(alice, (await upload(alice, bytes, collection, 'top', top)).body.id));
    expect(meanDiff(topOnly, reference)).toBeGreaterThan(10);
  });

  test('an animated GIF: its named variants are still crops of the first frame, its sizes stay animated; moving the focal point re-cuts them', async ({ alice, collection }) => {
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { variants: [BOXES[0]] })).status).toBe(200);
    const gif = await animatedGif(4, 480, 270);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(gif)], { type: 'image/gif' }), 'loop.gif');
    form.append('checksum', sha256(gif));
    form.append('collection', collection);
    form.append('slug', 'loop');
    form.append('focalX', '0');
    form.append('focalY', '0.5');
    const up = await alice.json<{ id: string }>('POST', '/api/v1/images', form);
    expect(up.status).toBe(201);
    const image = await waitForImage(alice, up.body.id);
    expect(image.status).toBe('ready');
    const avatar = named(image)[0]!;
    expect([avatar.name, avatar.width, avatar.height, avatar.format]).toEqual(['avatar', 256, 256, 'webp']);
    const bytes = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
    const before = await bytes(avatar.url);
    const meta = await sharp(before).metadata();
    expect([meta.format, meta.pages ?? 1, meta.width, meta.height]).toEqual(['webp', 1, 256, 256]);
    const numbered = (image.variants as NamedFileJson[]).find((v) => v.size === 320)!;
    expect((await sharp(await bytes(numbered.url)).metadata()).pages).toBe(4);
    // a 16:9 frame: the square crop moves from the left edge to the right one
    expect((await alice.json('PATCH', `/api/v1/images/${up.body.id}`, { focalPoint: { x: 1, y: 0.5 } })).status).toBe(200);
    await expect.poll(async () => (await bytes(avatar.url)).equals(before), { timeout: 30_000, interval: 200 }).toBe(false);
    expect((await sharp(await bytes(avatar.url)).metadata()).pages ?? 1).toBe(1);
  });

  test('without a focal point the salient point is found and reported; reprocessing gives existing images new variants', async ({ app, alice, collection }) => {
    const stored = async () => (await listStoredFiles(join(app.dataDir, 'storage'))).filter((f) => f.includes('/bowl.'));
    const up = await upload(alice, await photo('Picture_0B_by_freespace.jpg', 1600), collection, 'bowl');
    const first = await waitForImage(alice, up.body.id);
    expect(named(first)).toEqual([]);
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { variants: [BOXES[0], BOXES[2]] })).status).toBe(200);
    expect((await alice.json('POST', `/api/v1/collections/${collection}/reprocess`)).status).toBe(202);
    await expect.poll(async () => (await alice.json<{ status: string }>('GET', `/api/v1/collections/${collection}/reprocess`)).body.status, { timeout: 30_000 }).toBe('finished');
    const after = (await alice.json<Record<string, unknown>>('GET', `/api/v1/images/${up.body.id}`)).body;
    expect(named(after).map((v) => v.name)).toEqual(['avatar', 'thumb']);
    const focal = after.focalPoint as { x: number; y: number; source: string };
    expect(focal.source).toBe('auto');
    expect(focal.x).toBeGreaterThanOrEqual(0);
    expect(focal.x).toBeLessThanOrEqual(1);
    for (const v of named(after)) expect((await fetch(v.url)).status).toBe(200);
    // a box removed + reprocess: its files go
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { variants: [BOXES[0]] })).status).toBe(200);
    expect((await alice.json('POST', `/api/v1/collections/${collection}/reprocess`)).status).toBe(202);
    await expect.poll(async () => (await alice.json<{ status: string }>('GET', `/api/v1/collections/${collection}/reprocess`)).body.status, { timeout: 30_000 }).toBe('finished');
    expect((await fetch(named(after)[1]!.url)).status).toBe(404);
    expect((await stored()).filter((f) => !/\/\d+\//.test(f))).toEqual([`${collection}/avatar/bowl.webp`]);
    // deleting the image removes the named files too
    expect((await alice.json('DELETE', `/api/v1/images/${up.body.id}`)).status).toBe(204);
    await expect.poll(stored).toEqual([]);
  });
});
