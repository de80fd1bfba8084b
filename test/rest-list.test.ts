/**
 * REST `GET /api/v1/images` for a big library (contract §3, §9): `?limit=N&after=` pages walk every
 * image exactly once, newest first, following `Link: rel="next"`; without `limit` the whole list is
 * one JSON array, streamed (chunked, read page by page from the index, not loaded whole).
 */
import { get } from 'node:http';
import { describe, expect } from 'vitest';
import { appTest } from './support/fixtures.ts';

const test = appTest();
const COUNT = 2000;

/** Inserts `COUNT` ready images (rows only: the list reads rows) a millisecond apart. */
async function seed(app: { dataSource: { query: (sql: string, params: unknown[]) => Promise<unknown> } }, userId: string, collectionId: string): Promise<void> {
  await app.dataSource.query(
    `INSERT INTO images (id, user_id, collection_id, slug, checksum, status, step, progress, source_format, source_bytes, width, height, frames, created_at, updated_at)
     SELECT 'img_list' || lpad(g::text, 6, '0'), $1, $2, 'photo-' || g, repeat('a', 64), 'ready', 'ACTIVATE', 100, 'jpeg', 1000, 640, 480, 1,
            now() - g * interval '1 millisecond', now()
     FROM generate_series(1, ${COUNT}) AS g`,
    [userId, collectionId],
  );
}

describe('REST image list for a big library', () => {
  test('pages with ?limit and a Link header walk every image exactly once; the full list streams in chunks', async ({ app, alice, collection }) => {
    const me = (await alice.json<{ id: string }>('GET', '/api/v1/auth/me')).body;
    await seed(app, me.id, collection);

    const seen: string[] = [];
    let next: string | null = '/api/v1/images?limit=300';
    let pages = 0;
    while (next) {
      const page: { status: number; body: { id: string }[]; res: Response } = await alice.json<{ id: string }[]>('GET', next);
      const { status, body, res } = page;
      expect(status).toBe(200);
      expect(body.length).toBeLessThanOrEqual(300);
      seen.push(...body.map((i) => i.id));
      const link: string | null = res.headers.get('link');
      const target: URL | null = link ? new URL(/^<([^>]+)>; rel="next"$/.exec(link)![1]!) : null;
      expect(target?.origin ?? app.url).toBe(app.url);
      next = target ? target.pathname + target.search : null;
      if (next) expect(body).toHaveLength(300);
      pages++;
    }
    expect(pages).toBe(Math.ceil(COUNT / 300));
    expect(seen).toHaveLength(COUNT);
    expect(new Set(seen).size).toBe(COUNT);
    // newest first: img_list000001 was created last
    expect(seen[0]).toBe('img_list000001');
    expect(seen.at(-1)).toBe(`img_list${String(COUNT).padStart(6, '0')}`);

    // the full list: the same order, as one array, arriving in several chunks with no Content-Length
    const chunks: Buffer[] = [];
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      get(`${app.url}/api/v1/images`, { headers: { cookie: alice.cookie! } }, (res) => {
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(res.headers));
        res.on('error', reject);
      }).on('error', reject);
    });
    expect(headers['content-length']).toBeUndefined();
    expect(headers['transfer-encoding']).toBe('chunked');
    expect(chunks.length).toBeGreaterThan(2);
    const all = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; status: string; collectionId: string }[];
    expect(all.map((i) => i.id)).toEqual(seen);
    expect(all[0]).toMatchObject({ status: 'ready', collectionId: collection });
    // a listed image is the image as GET /images/:id shows it (pages are read as raw rows: the
    // bigint size must come back a number, dates as ISO strings)
    const one = await alice.json<Record<string, unknown>>('GET', `/api/v1/images/${all[0]!.id}`);
    expect(all[0]).toEqual(one.body);
    expect(one.body).toMatchObject({ bytes: 1000, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  test('a bad limit or cursor is a 400 that names it', async ({ alice }) => {
    for (const [query, field] of [['limit=0', 'limit'], ['limit=5000', 'limit'], ['limit=abc', 'limit'], ['limit=10&after=nope', 'after']] as const) {
      const { status, body } = await alice.json<{ code: string; message: string }>('GET', `/api/v1/images?${query}`);
      expect(status, query).toBe(400);
      expect(body.code).toBe('INVALID_INPUT');
      expect(body.message).toContain(field);
    }
  });

  test('an empty library is an empty array, paged or not', async ({ bob }) => {
    expect((await bob.json('GET', '/api/v1/images')).body).toEqual([]);
    const paged = await bob.json('GET', '/api/v1/images?limit=10');
    expect(paged.body).toEqual([]);
    expect(paged.res.headers.get('link')).toBeNull();
  });
});
