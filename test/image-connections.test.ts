/**
 * Image connections and Image as a Node: `Collection.images` and `Query.images` page forward and
 * backward over the same (created_at, id) order — every image exactly once each way, also where
 * timestamps tie or differ by a microsecond — with totalCount, nodes and pageInfo; bad arguments
 * are typed errors, not masked ones; node/nodes load images by their REST ids, only the viewer's.
 */
import { expect } from 'vitest';
import { CollectionImagesDocument, ImagesDocument, NodeDocument, NodesDocument, type CollectionImagesQuery, type ImagesQuery } from './generated/graphql.ts';
import { appTest } from './support/fixtures.ts';
import type { Client } from './support/http.ts';
import { photoJpeg } from './support/images.ts';
import { restUpload } from './support/upload.ts';

const IMAGES = 25;

interface Gallery {
  collection: string;
  /** Ids in list order, as REST lists them. */
  newestFirst: string[];
  failed: string[];
}

const test = appTest().extend<{ $file: { gallery: Gallery } }>({
  gallery: [
    async ({ app, alice }, use) => {
      const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Paging' })).body.id;
      await app.processing!.pause(); // listing needs rows, not variants
      for (let i = 0; i < IMAGES; i++) await restUpload(alice, await photoJpeg(48, 32, 100 + i), { collection, slug: `photo-${i}` });
      // eight images share one timestamp (ordered by id), eight differ by a microsecond within one
      // millisecond (a cursor at millisecond precision would skip or repeat them), the rest by seconds
      await app.dataSource.query(
        `UPDATE images i SET created_at = timestamptz '2026-03-01 12:00:00.123000+00' + CASE WHEN n <= 8 THEN interval '0' WHEN n <= 16 THEN n * interval '1 microsecond' ELSE n * interval '1 second' END
           FROM (SELECT id, row_number() OVER (ORDER BY slug) AS n FROM images WHERE collection_id = $1) s WHERE s.id = i.id`,
        [collection],
      );
      await app.dataSource.query(`UPDATE images SET status = 'failed' WHERE collection_id = $1 AND slug IN ('photo-3', 'photo-12', 'photo-20')`, [collection]);
      const failed: { id: string }[] = await app.dataSource.query(`SELECT id FROM images WHERE collection_id = $1 AND status = 'failed'`, [collection]);
      const newestFirst = (await alice.json<{ id: string; collectionId: string }[]>('GET', '/api/v1/images')).body.filter((i) => i.collectionId === collection).map((i) => i.id);
      await use({ collection, newestFirst, failed: failed.map((r) => r.id) });
    },
    { scope: 'file' },
  ],
});

type Page = { totalCount: number; edges: { cursor: string; node: { id: string } }[]; nodes?: { id: string }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor?: string | null; endCursor?: string | null } };
type PageArgs = { first?: number; after?: string; last?: number; before?: string };

/** Both connections of the same images, behind one signature. */
const connections: [string, (client: Client, collection: string, args: PageArgs) => Promise<Page>][] = [
  ['Collection.images', async (client, id, args) => ((await client.gql(CollectionImagesDocument, { id, ...args })).data as CollectionImagesQuery).collection!.images],
  ['Query.images(collectionId)', async (client, collectionId, args) => ((await client.gql(ImagesDocument, { collectionId, ...args })).data as ImagesQuery).images],
];

test.for(connections)('%s pages forward and backward: every image exactly once each way, in one order', async ([, page], { alice, gallery }) => {
  const forward: string[] = [];
  let after: string | undefined;
  for (let n = 0; ; n++) {
    const p = await page(alice, gallery.collection, { first: 4, after });
    expect(p.totalCount).toBe(IMAGES);
    if (p.nodes) expect(p.nodes.map((i) => i.id)).toEqual(p.edges.map((e) => e.node.id));
    expect(p.pageInfo.hasPreviousPage).toBe(n > 0);
    forward.push(...p.edges.map((e) => e.node.id));
    if (!p.pageInfo.hasNextPage) break;
    expect(p.edges).toHaveLength(4);
    after = p.pageInfo.endCursor!;
  }
  expect(forward).toEqual(gallery.newestFirst);

  const backward: string[] = [];
  let before: string | undefined;
  for (let n = 0; ; n++) {
    const p = await page(alice, gallery.collection, { last: 4, before });
    expect(p.totalCount).toBe(IMAGES);
    expect(p.pageInfo.hasNextPage).toBe(n > 0);
    // each page is in list order (newest first); pages arrive from the oldest end
    backward.unshift(...p.edges.map((e) => e.node.id));
    if (!p.pageInfo.hasPreviousPage) break;
    expect(p.edges).toHaveLength(4);
    before = p.pageInfo.startCursor!;
  }
  expect(backward).toEqual(gallery.newestFirst);

  // a window between two cursors, read from either end
  const ten = (await page(alice, gallery.collection, { first: 10 })).edges;
  const between = { after: ten[1]!.cursor, before: ten[9]!.cursor };
  expect((await page(alice, gallery.collection, { first: 100, ...between })).edges.map((e) => e.node.id)).toEqual(gallery.newestFirst.slice(2, 9));
  expect((await page(alice, gallery.collection, { last: 3, ...between })).edges.map((e) => e.node.id)).toEqual(gallery.newestFirst.slice(6, 9));
});

test('status filters count and page the matching images only; imageCount counts them all', async ({ alice, gallery }) => {
  const failed = (await alice.gql(CollectionImagesDocument, { id: gallery.collection, first: 2, status: 'FAILED' })).data!.collection!;
  expect(failed.imageCount).toBe(IMAGES);
  expect(failed.images.totalCount).toBe(3);
  expect(failed.images.pageInfo.hasNextPage).toBe(true);
  const rest = (await alice.gql(CollectionImagesDocument, { id: gallery.collection, first: 2, after: failed.images.pageInfo.endCursor, status: 'FAILED' })).data!.collection!.images;
  expect([...failed.images.edges, ...rest.edges].map((e) => e.node.id).sort()).toEqual([...gallery.failed].sort());
  const processing = (await alice.gql(ImagesDocument, { collectionId: gallery.collection, first: 100, status: 'PROCESSING' })).data!.images;
  expect(processing.totalCount).toBe(IMAGES - 3);
  expect(processing.edges.map((e) => e.node.status)).toEqual(Array(IMAGES - 3).fill('PROCESSING'));
});

test('bad page arguments are typed errors naming the argument, not masked ones', async ({ alice, gallery }) => {
  for (const [args, field] of [[{ first: 2, after: 'nonsense' }, 'after'], [{ last: 2, before: '2026-03-01T12:00:00Z|col_x' }, 'before'], [{ first: -1 }, 'first'], [{ last: -3 }, 'last']] as const) {
    const res = await alice.gql(ImagesDocument, { collectionId: gallery.collection, ...args });
    expect(res.errors?.map((e) => e.extensions?.code), JSON.stringify(args)).toEqual(['INVALID_INPUT']);
    expect(res.errors?.[0]?.message).toContain(field);
  }
  // backward pagination, once an "Unexpected error.", answers
  expect((await alice.gql(ImagesDocument, { last: 3 })).data?.images.edges).toHaveLength(3);
});

test('node and nodes load images by their REST ids, with their collection; other users’ images are null', async ({ alice, bob, gallery }) => {
  const [first, second] = gallery.newestFirst;
  const node = (await alice.gql(NodeDocument, { id: first! })).data?.node;
  expect(node).toMatchObject({ __typename: 'Image', id: first, slug: expect.stringMatching(/^photo-/), status: 'PROCESSING', collection: { id: gallery.collection } });
  const bobs = (await bob.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Bob' })).body.id;
  const bobsImage = (await restUpload(bob, await photoJpeg(48, 32, 99), { collection: bobs })).body.id;
  expect((await alice.gql(NodeDocument, { id: bobsImage })).data?.node).toBeNull();
  const nodes = (await alice.gql(NodesDocument, { ids: [second!, bobsImage, gallery.collection, 'img_unknown', first!] })).data?.nodes;
  expect(nodes?.map((n) => n && `${n.__typename}:${n.id}`)).toEqual([`Image:${second}`, null, `Collection:${gallery.collection}`, null, `Image:${first}`]);
  expect((await bob.gql(NodeDocument, { id: first! })).data?.node).toBeNull();
});
