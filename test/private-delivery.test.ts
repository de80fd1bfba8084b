/**
 * Private collections on local storage (contract §11): every URL the API gives for their images is
 * signed and answers through /private with ETag, 304, ranges and private caching; the public
 * pattern answers 404; a tampered or expired URL is 403 (the table printed as it ran); turning a
 * collection private or public moves its files while a poller never sees a URL of the old kind
 * once the change has returned.
 */
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { expect } from 'vitest';
import type { Clock } from '../src/clock.ts';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import type { Client } from './support/http.ts';
import { listStoredFiles, restUpload, waitForImage } from './support/upload.ts';

/** The app's clock, moved forward by the tests (signed URLs expire by it). */
const clock: Clock & { offsetMs: number } = { offsetMs: 0, now: (): Date => new Date(Date.now() + clock.offsetMs) };
const test = appTest({ SIGNED_URL_TTL: '3600' }, { clock });

type ImageJson = { id: string; status: string; src: string | null; srcset: string | null; variants: { size: number; format: string; url: string }[]; placeholder?: { dataUrl: string } };

const gql = <R = Record<string, unknown>>(client: Client, query: string, variables: Record<string, unknown>) => client.gql(parse(query) as TypedDocumentNode<R, Record<string, unknown>>, variables);

async function readyImage(client: Client, collection: string, slug: string, seed: number): Promise<ImageJson> {
  const up = await restUpload(client, await cameraPhoto({ width: 1600, height: 1200, seed }), { collection, slug });
  expect(up.status).toBe(201);
  const image = await waitForImage(client, up.body.id);
  expect(image.status).toBe('ready');
  return image as unknown as ImageJson;
}

const setVisibility = (client: Client, collection: string, visibility: string) => client.json<Record<string, unknown>>('PATCH', `/api/v1/collections/${collection}`, { visibility });

/** Every URL an image JSON carries. */
const urlsOf = (image: ImageJson) => [image.src!, ...image.srcset!.split(', ').map((c) => c.split(' ')[0]!), ...image.variants.map((v) => v.url)];

test('a private image: every URL signed, identical within the window; served with ETag, 304, ranges and private caching; the public pattern is 404', async ({ app, alice, collection }) => {
  expect((await setVisibility(alice, collection, 'private')).body).toMatchObject({ id: collection, visibility: 'private' });
  const image = await readyImage(alice, collection, 'invoice', 1);
  const urls = urlsOf(image);
  for (const url of urls) expect(url).toMatch(new RegExp(`^${app.url}/private/${collection}/\\d+/invoice\\.webp\\?exp=\\d+&sig=[0-9a-f]{64}$`));
  expect(image.placeholder?.dataUrl).toMatch(/^data:image\/webp;base64,/); // inline only: no URL to sign

  // the same URLs on a second read (same 15-minute window), over GraphQL too
  const again = (await alice.json<ImageJson>('GET', `/api/v1/images/${image.id}`)).body;
  expect(urlsOf(again)).toEqual(urls);
  const viaGraphql = await gql<{ image: { src: string; url: string; private: boolean; collection: { visibility: string } } }>(alice, 'query($id: ID!) { image(id: $id) { src url(size: 320) private collection { visibility } } }', { id: image.id });
  expect(viaGraphql.data?.image).toEqual({ src: image.src, url: image.variants.find((v) => v.size === 320)!.url, private: true, collection: { visibility: 'PRIVATE' } });

  const res = await fetch(image.src!);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/webp');
  const maxAge = Number(/^private, max-age=(\d+)$/.exec(res.headers.get('cache-control') ?? '')?.[1]);
  expect(maxAge).toBeGreaterThanOrEqual(3600 - 5);
  expect(maxAge).toBeLessThanOrEqual(3600 + 15 * 60);
  const body = Buffer.from(await res.arrayBuffer());
  expect(body.subarray(8, 12).toString()).toBe('WEBP');
  const etag = res.headers.get('etag')!;
  expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
  expect((await fetch(image.src!, { headers: { 'if-none-match': etag } })).status).toBe(304);
  const partial = await fetch(image.src!, { headers: { range: 'bytes=0-99' } });
  expect(partial.status).toBe(206);
  expect(partial.headers.get('content-range')).toBe(`bytes 0-99/${body.length}`);
  expect(Buffer.from(await partial.arrayBuffer())).toEqual(body.subarray(0, 100));
  expect((await fetch(image.src!, { headers: { range: `bytes=${body.length}-` } })).status).toBe(416);
  for (const url of urls) expect((await fetch(url)).status, url).toBe(200);

  // the public pattern, and the files themselves: nowhere under the public tree
  for (const size of VARIANT_SIZES) expect((await fetch(`${app.url}/cdn/${collection}/${size}/invoice.webp`)).status).toBe(404);
  const files = await listStoredFiles(`${app.dataDir}/storage`);
  expect(files.filter((f) => f.includes('invoice'))).toHaveLength(12);
  expect(files.filter((f) => f.includes('invoice')).every((f) => f.startsWith(`_private/${collection}/`))).toBe(true);
});

test('a tampered size, path, expiry or signature, an unsigned or expired URL: 403 (the table as it ran)', async ({ alice, collection }) => {
  await setVisibility(alice, collection, 'private');
  const image = await readyImage(alice, collection, 'passport', 2);
  const good = new URL(image.variants.find((v) => v.size === 320)!.url);
  const exp = Number(good.searchParams.get('exp'));
  const sig = good.searchParams.get('sig')!;
  const at = (path: string, query: string) => `${good.origin}${path}${query}`;
  const path = good.pathname;
  const rows: [string, string, number, string][] = [
    ['the signed URL', good.href, 200, ''],
    ['another size (320 → 384)', at(path.replace('/320/', '/384/'), good.search), 403, 'INVALID_SIGNATURE'],
    ['another size (320 → 0)', at(path.replace('/320/', '/0/'), good.search), 403, 'INVALID_SIGNATURE'],
    ['another slug', at(path.replace('passport', 'passport-2'), good.search), 403, 'INVALID_SIGNATURE'],
    ['another collection', at(path.replace(collection, `${collection.slice(0, -1)}x`), good.search), 403, 'INVALID_SIGNATURE'],
    ['AVIF instead of WebP', at(path.replace('.webp', '.avif'), good.search), 403, 'INVALID_SIGNATURE'],
    ['a percent-encoded path', at(path.replace('/320/', '%2F320/'), good.search), 403, 'INVALID_SIGNATURE'],
    ['exp one window later', at(path, `?exp=${exp + 900}&sig=${sig}`), 403, 'INVALID_SIGNATURE'],
    ['exp one second earlier', at(path, `?exp=${exp - 1}&sig=${sig}`), 403, 'INVALID_SIGNATURE'],
    ['a flipped signature digit', at(path, `?exp=${exp}&sig=${sig[0] === '0' ? '1' : '0'}${sig.slice(1)}`), 403, 'INVALID_SIGNATURE'],
    ['a truncated signature', at(path, `?exp=${exp}&sig=${sig.slice(0, 32)}`), 403, 'INVALID_SIGNATURE'],
    ['the signature of another size', at(path, `?exp=${exp}&sig=${new URL(image.variants.find((v) => v.size === 672)!.url).searchParams.get('sig')}`), 403, 'INVALID_SIGNATURE'],
    ['no signature', at(path, `?exp=${exp}`), 403, 'INVALID_SIGNATURE'],
    ['no query at all', at(path, ''), 403, 'INVALID_SIGNATURE'],
  ];
  const table: string[] = [];
  const check = async ([name, url, status, code]: (typeof rows)[number]) => {
    const res = await fetch(url);
    const body = res.status === 200 ? '' : ((await res.json()) as { code: string }).code;
    table.push(`${name.padEnd(34)} ${String(res.status).padEnd(4)} ${body}`);
    expect([res.status, body], name).toEqual([status, code]);
  };
  for (const row of rows) await check(row);
  clock.offsetMs = (exp - Math.floor(Date.now() / 1000)) * 1000; // the second of exp: expired
  try {
    await check(['the signed URL at its exp', good.href, 403, 'SIGNED_URL_EXPIRED']);
    clock.offsetMs -= 2000;
    await check(['the signed URL 2 s before exp', good.href, 200, '']);
  } finally {
    clock.offsetMs = 0;
  }
  console.log(`signature tamper table (${rows.length + 2} requests):\n${table.join('\n')}`);
});

test('POST /images/:id/signed-urls mints URLs of a chosen lifetime that expire by the clock; public images and bad lifetimes are refused', async ({ alice, bob, collection }) => {
  await setVisibility(alice, collection, 'private');
  const image = await readyImage(alice, collection, 'scan', 3);
  const minted = await alice.json<{ urls: Record<string, string>; expiresAt: string }>('POST', `/api/v1/images/${image.id}/signed-urls`, { expiresIn: 120 });
  expect(minted.status).toBe(200);
  expect(Object.keys(minted.body.urls).map(Number).sort((a, b) => a - b)).toEqual([...VARIANT_SIZES]);
  expect(Math.abs(Date.parse(minted.body.expiresAt) - Date.now() - 120_000)).toBeLessThan(3000);
  const url = minted.body.urls['1280']!;
  expect((await fetch(url)).status).toBe(200);
  clock.offsetMs = 121_000;
  try {
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('SIGNED_URL_EXPIRED');
  } finally {
    clock.offsetMs = 0;
  }
  expect((await alice.json('POST', `/api/v1/images/${image.id}/signed-urls`, { expiresIn: 5 })).body).toMatchObject({ code: 'INVALID_EXPIRES_IN' });
  expect((await bob.json('POST', `/api/v1/images/${image.id}/signed-urls`, {})).status).toBe(404);
  await setVisibility(alice, collection, 'public');
  expect((await alice.json('POST', `/api/v1/images/${image.id}/signed-urls`, {})).body).toMatchObject({ code: 'IMAGE_NOT_PRIVATE' });
  expect((await setVisibility(alice, collection, 'secret')).body).toMatchObject({ code: 'INVALID_VISIBILITY' });
  expect((await setVisibility(bob, collection, 'private')).status).toBe(404);
});

test('switching visibility moves the files: the image stays ready, and once the change returned no URL of the old kind answers or is handed out', async ({ app, alice, collection }) => {
  const images = [await readyImage(alice, collection, 'one', 4), await readyImage(alice, collection, 'two', 5)];
  const publicUrls = images.flatMap(urlsOf);
  for (const url of publicUrls) expect(url.startsWith(`${app.url}/cdn/`)).toBe(true);

  // a poller reading the images all the time, noting when each answer's request started
  let polling = true;
  const seen: { startedAt: number; endedAt: number; image: ImageJson }[] = [];
  const poller = (async () => {
    while (polling) {
      for (const { id } of images) {
        const startedAt = performance.now();
        const image = (await alice.json<ImageJson>('GET', `/api/v1/images/${id}`)).body;
        seen.push({ startedAt, endedAt: performance.now(), image });
      }
    }
  })();
  const flips: { to: string; startedAt: number; doneAt: number }[] = [];
  for (const to of ['private', 'public', 'private']) {
    const startedAt = performance.now();
    const res = await setVisibility(alice, collection, to);
    expect(res.body).toMatchObject({ visibility: to });
    flips.push({ to, startedAt, doneAt: performance.now() });
    await new Promise((r) => setTimeout(r, 300));
  }
  polling = false;
  await poller;

  // every answer asked for after a change returned links the new way, and the image stayed ready
  let checked = 0;
  for (const { startedAt, endedAt, image } of seen) {
    expect(image.status).toBe('ready');
    const last = flips.filter((f) => f.doneAt <= startedAt).at(-1);
    const next = flips.find((f) => f.startedAt > (last?.doneAt ?? -1));
    // judged: asked after a change returned, answered before the next one began
    if (!last || (next && endedAt >= next.startedAt)) continue;
    checked++;
    for (const url of urlsOf(image)) expect(url.includes('/private/'), `${url} after the switch to ${last.to}`).toBe(last.to === 'private');
  }
  expect(checked).toBeGreaterThan(10);
  // now private: the old public URLs are 404, the new signed ones answer
  for (const url of publicUrls) expect((await fetch(url)).status).toBe(404);
  for (const { id } of images) {
    const now = (await alice.json<ImageJson>('GET', `/api/v1/images/${id}`)).body;
    for (const url of urlsOf(now)) expect((await fetch(url)).status, url).toBe(200);
  }
  // a signed URL of the first private period still verifies, but a public collection's files are not served there
  await setVisibility(alice, collection, 'public');
  const privateUrl = seen.map((s) => s.image.src!).find((u) => u.includes('/private/'))!;
  expect((await fetch(privateUrl)).status).toBe(404);
  for (const url of publicUrls) expect((await fetch(url)).status).toBe(200);
  const files = await listStoredFiles(`${app.dataDir}/storage`);
  expect(files.filter((f) => f.startsWith(`_private/${collection}/`))).toEqual([]);
  expect(files.filter((f) => f.startsWith(`${collection}/`))).toHaveLength(24);
});

test('GraphQL updateCollection sets the visibility', async ({ alice, collection }) => {
  const res = await gql<{ updateCollection: { __typename: string; visibility?: string } }>(
    alice,
    'mutation($id: ID!) { updateCollection(id: $id, visibility: PRIVATE) { __typename ... on Collection { visibility } } }',
    { id: collection },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data?.updateCollection).toEqual({ __typename: 'Collection', visibility: 'PRIVATE' });
  expect((await alice.json('GET', `/api/v1/collections/${collection}`)).body).toMatchObject({ visibility: 'private' });
});
