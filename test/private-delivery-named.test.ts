/**
 * Private collections (contract §11) with art direction (§13), and minting URLs over GraphQL: a
 * private collection's named variants are stored at private keys, listed signed like the numbered
 * sizes, delivered only through signed /private URLs (WebP and AVIF), refused when tampered, and
 * moved both ways by the visibility switch; signImageUrls mints URLs of a chosen lifetime through
 * the same policy as POST /images/:id/signed-urls, with typed errors.
 */
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { expect } from 'vitest';
import type { Clock } from '../src/clock.ts';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { listStoredFiles, restUpload, waitForImage } from './support/upload.ts';

/** The app's clock, moved forward by the tests (signed URLs expire by it). */
const clock: Clock & { offsetMs: number } = { offsetMs: 0, now: (): Date => new Date(Date.now() + clock.offsetMs) };
const test = appTest({ SIGNED_URL_TTL: '3600' }, { clock });

type Named = { name: string; format: string; url: string };
type ImageJson = { id: string; status: string; variants: ({ size: number; format: string; url: string } | Named)[] };

const gql = <R = Record<string, unknown>>(client: Client, query: string, variables: Record<string, unknown>) => client.gql(parse(query) as TypedDocumentNode<R, Record<string, unknown>>, variables);

async function readyImage(client: Client, collection: string, slug: string, seed: number): Promise<ImageJson> {
  const up = await restUpload(client, await cameraPhoto({ width: 1600, height: 1200, seed }), { collection, slug });
  expect(up.status).toBe(201);
  const image = await waitForImage(client, up.body.id);
  expect(image.status).toBe('ready');
  return image as unknown as ImageJson;
}

const setVisibility = (client: Client, collection: string, visibility: string) => client.json<Record<string, unknown>>('PATCH', `/api/v1/collections/${collection}`, { visibility });
const namedOf = (image: ImageJson) => image.variants.filter((v): v is Named => 'name' in v).sort((a, b) => a.format.localeCompare(b.format));
const reread = async (client: Client, id: string) => (await client.json<ImageJson>('GET', `/api/v1/images/${id}`)).body;
const avatarFiles = async (dataDir: string) => (await listStoredFiles(`${dataDir}/storage`)).filter((f) => f.includes('/avatar/')).sort();

test('named variants of a private collection: private keys, listed and delivered only signed (WebP and AVIF), tampering refused, moved both ways by the switch', async ({ app, alice, collection }) => {
  const patched = await alice.json('PATCH', `/api/v1/collections/${collection}`, { formats: ['webp', 'avif'], variants: [{ name: 'avatar', width: 128, height: 128, fit: 'cover' }] });
  expect(patched.status).toBe(200);
  const before = await readyImage(alice, collection, 'named-before', 6);
  const publicNamed = namedOf(before);
  expect(publicNamed.map((f) => f.url)).toEqual([`${app.url}/cdn/${collection}/avatar/named-before.avif`, `${app.url}/cdn/${collection}/avatar/named-before.webp`]);
  for (const f of publicNamed) expect((await fetch(f.url)).status).toBe(200);

  // private: the files move to private keys, the public ones are gone, the listing is signed
  expect((await setVisibility(alice, collection, 'private')).body).toMatchObject({ visibility: 'private' });
  for (const f of publicNamed) expect((await fetch(f.url)).status, f.url).toBe(404);
  expect(await avatarFiles(app.dataDir)).toEqual([`_private/${collection}/avatar/named-before.avif`, `_private/${collection}/avatar/named-before.webp`]);
  const signed = namedOf(await reread(alice, before.id));
  expect(signed).toHaveLength(2);
  for (const f of signed) {
    expect(f.url).toMatch(new RegExp(`^${app.url}/private/${collection}/avatar/named-before\\.${f.format}\\?exp=\\d+&sig=[0-9a-f]{64}$`));
    const res = await fetch(f.url);
    expect(res.status, f.url).toBe(200);
    expect(res.headers.get('content-type')).toBe(`image/${f.format}`);
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
  }
  // the same over GraphQL, signed alike
  const viaGraphql = await gql<{ image: { namedVariants: { format: string; url: string }[]; variant: { url: string } } }>(alice, 'query($id: ID!) { image(id: $id) { namedVariants { format url } variant(name: "avatar") { url } } }', { id: before.id });
  expect(viaGraphql.errors).toBeUndefined();
  expect(viaGraphql.data!.image.variant.url).toBe(signed.find((f) => f.format === 'webp')!.url);
  expect(viaGraphql.data!.image.namedVariants.map((f) => f.url).sort()).toEqual(signed.map((f) => f.url).sort());

  // tampered: another name, a size's path with the name's signature, the other format, no signature
  const good = new URL(signed.find((f) => f.format === 'webp')!.url);
  const sizeUrl = new URL((await reread(alice, before.id)).variants.find((v) => 'size' in v && v.size === 320)!.url);
  for (const [label, url] of [
    ['another name', `${good.origin}${good.pathname.replace('/avatar/', '/avatars/')}${good.search}`],
    ['a size in place of the name', `${good.origin}${good.pathname.replace('/avatar/', '/320/')}${good.search}`],
    ["a size's signature on the name", `${good.origin}${good.pathname}${sizeUrl.search}`],
    ['AVIF with the WebP signature', `${good.origin}${good.pathname.replace('.webp', '.avif')}${good.search}`],
    ['no signature', `${good.origin}${good.pathname}`],
  ] as const) {
    const res = await fetch(url);
    expect([res.status, ((await res.json()) as { code: string }).code], label).toEqual([403, 'INVALID_SIGNATURE']);
  }
  // expired by the clock
  clock.offsetMs = (Number(good.searchParams.get('exp')) - Math.floor(Date.now() / 1000)) * 1000;
  try {
    expect((await fetch(good.href)).status).toBe(403);
  } finally {
    clock.offsetMs = 0;
  }

  // an image uploaded while private gets them too, at private keys
  const fresh = await readyImage(alice, collection, 'named-private', 7);
  const freshNamed = namedOf(fresh);
  expect(freshNamed.map((f) => f.format)).toEqual(['avif', 'webp']);
  for (const f of freshNamed) expect((await fetch(f.url)).status).toBe(200);
  expect((await fetch(`${app.url}/cdn/${collection}/avatar/named-private.webp`)).status).toBe(404);
  // minted URLs name them too
  const minted = await alice.json<{ named: Record<string, string> }>('POST', `/api/v1/images/${fresh.id}/signed-urls`, { expiresIn: 300 });
  expect(Object.keys(minted.body.named)).toEqual(['avatar']);
  expect((await fetch(minted.body.named.avatar!)).status).toBe(200);

  // public again: the files move back, the signed URLs stop answering, the public ones answer
  expect((await setVisibility(alice, collection, 'public')).body).toMatchObject({ visibility: 'public' });
  expect(await avatarFiles(app.dataDir)).toEqual([`${collection}/avatar/named-before.avif`, `${collection}/avatar/named-before.webp`, `${collection}/avatar/named-private.avif`, `${collection}/avatar/named-private.webp`]);
  for (const f of [...signed, ...freshNamed]) expect((await fetch(f.url)).status, f.url).toBe(404);
  for (const id of [before.id, fresh.id]) {
    for (const f of namedOf(await reread(alice, id))) {
      expect(f.url.startsWith(`${app.url}/cdn/${collection}/avatar/`)).toBe(true);
      expect((await fetch(f.url)).status).toBe(200);
    }
  }
});

const SIGN = `mutation($id: ID!, $expiresIn: Int) { signImageUrls(id: $id, expiresIn: $expiresIn) {
  __typename ... on SignedImageUrls { expiresAt urls { size url } named { name url } } ... on Error { code message } } }`;
type SignResult = { signImageUrls: { __typename: string; code?: string; expiresAt?: string; urls?: { size: number; url: string }[]; named?: { name: string; url: string }[] } };

test('GraphQL signImageUrls: URLs of a chosen lifetime that expire by the clock; bad lifetimes, public or foreign images are typed errors', async ({ alice, bob, collection }) => {
  await setVisibility(alice, collection, 'private');
  const image = await readyImage(alice, collection, 'minted', 8);
  const res = await gql<SignResult>(alice, SIGN, { id: image.id, expiresIn: 120 });
  expect(res.errors).toBeUndefined();
  const minted = res.data!.signImageUrls;
  expect(minted.__typename).toBe('SignedImageUrls');
  expect(minted.urls!.map((u) => u.size)).toEqual([...VARIANT_SIZES]);
  expect(minted.named).toEqual([]);
  // the lifetime asked for, not rounded to the 15-minute window
  const exp = Number(new URL(minted.urls![0]!.url).searchParams.get('exp'));
  expect(Date.parse(minted.expiresAt!)).toBe(exp * 1000);
  expect(Math.abs(exp * 1000 - Date.now() - 120_000)).toBeLessThan(3000);
  const url = minted.urls!.find((u) => u.size === 1280)!.url;
  expect((await fetch(url)).status).toBe(200);
  clock.offsetMs = exp * 1000 - Date.now() - 1000; // one second before exp: still good
  try {
    expect((await fetch(url)).status).toBe(200);
    clock.offsetMs += 1000; // exp itself: expired
    const expired = await fetch(url);
    expect([expired.status, ((await expired.json()) as { code: string }).code]).toEqual([403, 'SIGNED_URL_EXPIRED']);
  } finally {
    clock.offsetMs = 0;
  }
  // without expiresIn: SIGNED_URL_TTL
  const byDefault = (await gql<SignResult>(alice, SIGN, { id: image.id })).data!.signImageUrls;
  expect(Math.abs(Date.parse(byDefault.expiresAt!) - Date.now() - 3600_000)).toBeLessThan(3000);

  for (const [label, client, variables, type, code] of [
    ['59 s', alice, { id: image.id, expiresIn: 59 }, 'ValidationError', 'INVALID_EXPIRES_IN'],
    ['8 days', alice, { id: image.id, expiresIn: 8 * 24 * 3600 }, 'ValidationError', 'INVALID_EXPIRES_IN'],
    ["another team's image", bob, { id: image.id, expiresIn: 120 }, 'NotFoundError', 'IMAGE_NOT_FOUND'],
    ['no such image', alice, { id: 'img_doesnotexist', expiresIn: 120 }, 'NotFoundError', 'IMAGE_NOT_FOUND'],
  ] as const) {
    const refused = await gql<SignResult>(client, SIGN, variables);
    expect(refused.errors, label).toBeUndefined();
    expect(refused.data!.signImageUrls, label).toMatchObject({ __typename: type, code });
  }
  await setVisibility(alice, collection, 'public');
  expect((await gql<SignResult>(alice, SIGN, { id: image.id })).data!.signImageUrls).toMatchObject({ __typename: 'ConflictError', code: 'IMAGE_NOT_PRIVATE' });
  // signed out: not a result at all
  const anonymous = await gql<SignResult>(new Client(alice.baseUrl), SIGN, { id: image.id });
  expect(anonymous.data?.signImageUrls ?? null).toBeNull();
});
