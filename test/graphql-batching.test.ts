/**
 * Per-request batching: a gallery page — every image with its variants, delivery URLs and
 * collection (with its imageCount) — costs the same number of SQL queries for 10 images as for
 * 100, counted on the app's own DataSource. And the page query itself walks the keyset index in
 * order: PostgreSQL's plan for it has no sort, whichever way it pages.
 */
import { print } from 'graphql';
import { expect, vi } from 'vitest';
import { CollectionImagesDocument, GalleryDocument } from './generated/graphql.ts';
import type { TestApp } from './support/app.ts';
import { appTest } from './support/fixtures.ts';
import type { Client } from './support/http.ts';
import { photoJpeg } from './support/images.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const test = appTest();

/** The SQL (and its parameters) the app's DataSource runs while `run` does. */
async function queriesDuring(app: TestApp, run: () => Promise<unknown>): Promise<{ sql: string; parameters?: unknown[] }[]> {
  const spy = vi.spyOn(app.dataSource.logger, 'logQuery');
  try {
    await run();
    return spy.mock.calls.map(([sql, parameters]) => ({ sql, parameters: parameters as unknown[] | undefined }));
  } finally {
    spy.mockRestore();
  }
}

/**
 * 120 ready images in three collections: one processed for real, the rest copies of its row and
 * its 12 variant rows (the count is about queries, not pixels).
 */
async function seedLibrary(app: TestApp, alice: Client): Promise<string[]> {
  const collections: string[] = [];
  for (const name of ['Beach', 'City', 'Forest']) collections.push((await alice.json<{ id: string }>('POST', '/api/v1/collections', { name })).body.id);
  const original = (await restUpload(alice, await photoJpeg(640, 480, 3), { collection: collections[0], slug: 'original' })).body.id;
  expect((await waitForImage(alice, original)).status).toBe('ready');
  await app.dataSource.query(
    `INSERT INTO images (id, user_id, collection_id, slug, checksum, status, step, progress, error, source_format, source_bytes, original_filename, width, height, frames, created_at, updated_at, ready_at)
     SELECT 'img_copy' || lpad(n::text, 6, '0'), user_id, ($2::text[])[1 + n % 3], 'copy-' || n, checksum, status, step, progress, error, source_format, source_bytes, original_filename, width, height, frames,
            created_at - n * interval '1 second', updated_at, ready_at
       FROM images, generate_series(1, 119) AS n WHERE id = $1`,
    [original, collections],
  );
  await app.dataSource.query(
    `INSERT INTO image_variants (image_id, size, width, height, bytes)
     SELECT c.id, v.size, v.width, v.height, v.bytes FROM image_variants v CROSS JOIN images c WHERE v.image_id = $1 AND c.id LIKE 'img_copy%'`,
    [original],
  );
  return collections;
}

test('a gallery page costs the same queries for 100 images as for 10, variants and collections included', async ({ app, alice }) => {
  const collections = await seedLibrary(app, alice);
  const sizes: Record<number, { sql: string }[]> = {};
  for (const first of [10, 100]) {
    let data: Awaited<ReturnType<typeof alice.gql<unknown, unknown>>>['data'];
    sizes[first] = await queriesDuring(app, async () => ({ data } = await alice.gql(GalleryDocument, { first })));
    const images = (data as { images: { totalCount: number; nodes: { src: string; srcset: string; thumb: string; variants: unknown[]; collection: { imageCount: number } }[] } }).images;
    expect(images.totalCount).toBe(120);
    expect(images.nodes).toHaveLength(first);
    for (const image of images.nodes) {
      expect(image.variants).toHaveLength(12);
      expect(image.srcset.split(', ')).toHaveLength(11);
      expect([image.src, image.thumb]).toEqual([expect.stringContaining('/768/'), expect.stringContaining('/320/')]);
      expect(image.collection.imageCount).toBe(40);
    }
  }
  const report = (qs: { sql: string }[]) => qs.map((q) => q.sql.replace(/\s+/g, ' ').slice(0, 100)).join('\n');
  expect(sizes[100]!.length, report(sizes[100]!)).toBe(sizes[10]!.length);
  // the viewer's session, the page, its count, the variants, the collections, their counts
  expect(sizes[100]!.length, report(sizes[100]!)).toBeLessThanOrEqual(7);

  // asked twice at two depths (imageCount, and totalCount of its images), counted once
  const collection = await queriesDuring(app, () => alice.gql(CollectionImagesDocument, { id: collections[1]!, first: 10 }));
  expect(collection.filter((q) => q.sql.includes('GROUP BY collection_id')), report(collection)).toHaveLength(1);
});

/** PostgreSQL's plan for `sql` when it may not scan the table whole: does it still have to sort? */
async function planOf(app: TestApp, sql: string, parameters: unknown[] = []): Promise<string> {
  return app.dataSource.transaction(async (tx) => {
    for (const setting of ['enable_seqscan', 'enable_bitmapscan', 'enable_sort']) await tx.query(`SET LOCAL ${setting} = off`);
    const [row] = (await tx.query(`EXPLAIN (FORMAT JSON) ${sql}`, parameters)) as { 'QUERY PLAN': unknown }[];
    return JSON.stringify(row!['QUERY PLAN']);
  });
}

test('pages walk the (…, created_at, id) indexes in order, forward and backward, with no sort', async ({ app, alice, collection }) => {
  await restUpload(alice, await photoJpeg(48, 32, 4), { collection });
  const pages = [
    { query: print(GalleryDocument), variables: { first: 5 } },
    { query: print(CollectionImagesDocument), variables: { id: collection, first: 5 } },
    { query: print(CollectionImagesDocument), variables: { id: collection, last: 5 } },
  ];
  for (const { query, variables } of pages) {
    const queries = await queriesDuring(app, () => alice.request('POST', '/graphql', { query, variables }));
    const page = queries.find((q) => q.sql.includes('cursor_at'));
    expect(page, queries.map((q) => q.sql).join('\n')).toBeDefined();
    const plan = await planOf(app, page!.sql, page!.parameters);
    // which of the two a tiny table gets is the planner's guess; either serves the order
    expect(plan).toMatch(/"Node Type":"Index Scan".*"Index Name":"images_(team|collection)_page_idx"/);
    expect(plan).not.toContain('"Node Type":"Sort"');
  }
});
