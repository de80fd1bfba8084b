/**
 * `npm run bench:list`: listing a big library. 100,000 ready images with their 12 variant rows
 * each, in one account, inserted directly in SQL; a server process (`serve`, PROCESSING=off) on
 * PostgreSQL (DATABASE_URL, else embedded). Measures the REST full list (`GET /api/v1/images`,
 * streamed): time to first byte, total time, bytes and the server's RSS growth while it streams; a
 * REST page of 100 (`?limit=100&after=`) and a GraphQL connection page of 100
 * (`images(first: 100, after:)`), p50/p95/p99 over 200 requests from positions all over the library,
 * each timed to its last byte, beside the server's own p50/p95 from its request log; the same
 * GraphQL pages from a server with GRAPHQL_JIT=off (graphql-js's executor), the baseline, and the ratio;
 * and EXPLAIN (ANALYZE, BUFFERS) of the queries one page runs, captured from ImageLibrary itself.
 */
import { ROLE_ACTIONS } from '../src/auth/actor.ts';
import { Agent, get, request } from 'node:http';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger as OrmLogger } from 'typeorm';
import { createDataSource } from '../src/db/data-source.ts';
import { ENTITIES } from '../src/entities.ts';
import { ImageLibrary } from '../src/modules/images/image-library.ts';
import { decodeCursor } from '../src/modules/images/page-cursor.ts';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { Client } from '../test/support/http.ts';
import { openBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { RUNTIME_ENV } from '../scripts/runtime-env.ts';
import { runMain, type RunningProcess } from '../test/support/process.ts';
import { rssBytes } from './process-cpu.ts';

const IMAGES = Number(process.env.BENCH_LIST_IMAGES ?? 100_000);
const REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 200);
const PAGE = 100;
const CAPPED_HEAP_MB = 128;
const KEY = '"baseUrl":';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

const dir = await mkdtemp(join(tmpdir(), 'optimage-bench-list-'));
await chmod(dir, 0o755);
let database = null as BenchDatabase | null;
let server = null as RunningProcess | null;

async function openDatabase(): Promise<string> {
  database = await openBenchDatabase(dir, 'bench_list');
  return database.url;
}

/** `IMAGES` ready images a second apart, newest first by number, each with its 12 WebP variants. */
async function seed(db: pg.Pool, userId: string, collectionId: string): Promise<void> {
  const placeholder = JSON.stringify({ thumbhash: 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG', color: '#6b8e4e', dataUrl: `data:image/webp;base64,${'UklGR'.repeat(120)}` });
  await db.query(
    `INSERT INTO images (id, user_id, team_id, collection_id, slug, checksum, status, step, progress, source_format, source_bytes, original_filename,
                         width, height, frames, created_at, updated_at, ready_at, placeholder)
     SELECT 'img_' || substr(md5(g::text), 1, 20), $1, (SELECT team_id FROM collections WHERE id = $2), $2, 'photo-' || g, md5(g::text) || md5((-g)::text), 'ready', 'ACTIVATE', 100, 'jpeg',
            2000000 + g, 'IMG_' || g || '.jpg', 4000, 3000, 1, now() - g * interval '1 second', now(), now(), $3::jsonb
       FROM generate_series(1, ${IMAGES}) AS g`,
    [userId, collectionId, placeholder],
  );
  await db.query(
    `INSERT INTO image_variants (image_id, size, format, width, height, bytes)
     SELECT i.id, s, 'webp', CASE WHEN s = 0 THEN 4000 ELSE s END, CASE WHEN s = 0 THEN 3000 ELSE s * 3 / 4 END, 20000 + s * 300
       FROM images i CROSS JOIN unnest($1::int[]) AS s WHERE i.user_id = $2`,
    [[...VARIANT_SIZES], userId],
  );
  await db.query('ANALYZE images; ANALYZE image_variants');
}

/** The full list once: time to first byte, total time, bytes, images, and the server's peak RSS growth. */
function fullList(url: string, cookie: string, pid: number): Promise<{ ttfbMs: number; totalMs: number; bytes: number; images: number; rssGrowth: number }> {
  const base = rssBytes(pid);
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 10);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    get(`${url}/api/v1/images`, { headers: { cookie } }, (res) => {
      let ttfbMs = 0;
      let bytes = 0;
      let images = 0;
      let tail = '';
      res.on('data', (chunk: Buffer) => {
        ttfbMs ||= performance.now() - t0;
        bytes += chunk.length;
        // every image object has one "baseUrl" key; the previous chunk's last KEY.length - 1 characters
        // cannot hold a whole key, so a key found with them is one split between the chunks
        const text = chunk.toString('latin1');
        images += (tail + text).split(KEY).length - 1;
        tail = text.slice(-(KEY.length - 1));
      });
      res.on('end', () => {
        clearInterval(sampler);
        resolve({ ttfbMs, totalMs: performance.now() - t0, bytes, images, rssGrowth: peak - base });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * The server's own durations, in whole ms from its request log (request in to response handed to
 * the socket), of the last `n` requests to `path` it logged: the part of a page that is not the client's.
 */
function serverTimes(output: string, path: string, n: number): number[] {
  return output
    .split('\n')
    .flatMap((line) => {
      if (!line.includes('"msg":"request"')) return [];
      const entry = JSON.parse(line) as { url?: string; ms?: number };
      return entry.url?.startsWith(path) && entry.ms !== undefined ? [entry.ms] : [];
    })
    .slice(-n);
}

/**
 * `n` requests one after another, after 20 of warm-up whose bodies are parsed in full to check them.
 * The timed ones are measured as a load generator measures them, to the last byte of the body, kept
 * as bytes: parsing ~370 KB of JSON a request in this process made its own major GCs land inside
 * the timings (of the 25 slowest REST pages of one run, 24 overlapped one), a cost of this client.
 */
async function timed(n: number, fn: (i: number, warmUp: boolean) => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn(n + i, true); // JIT, connections, plans
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i, false);
    times.push(performance.now() - t0);
  }
  return times;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request over a kept-alive socket; the body comes back as the bytes received. */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** How many times `marker` occurs in `body`, without decoding it. */
function occurrences(body: Buffer, marker: string): number {
  let n = 0;
  for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + marker.length)) n++;
  return n;
}

const IMAGES_PAGE = `query ($after: String) {
  images(first: ${PAGE}, after: $after) {
    edges { cursor node { id slug status width height createdAt src srcset placeholder { color dataUrl } variants { size width height url } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

try {
  const databaseUrl = await openDatabase();
  // BENCH_PROFILE=<dir>: the measured server writes a V8 CPU profile there when it stops
  const profile: Record<string, string> = process.env.BENCH_PROFILE ? { NODE_OPTIONS: `${RUNTIME_ENV.NODE_OPTIONS} --cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` } : {};
  server = runMain(['serve'], { DATABASE_URL: databaseUrl, DATA_DIR: join(dir, 'server'), PORT: '0', PROCESSING: 'off', ...RUNTIME_ENV, ...profile });
  const url = /listening on (http:\/\/\S+)/.exec(await server.waitFor(/optimage listening on/))![1]!;
  const pid = server.child.pid!;
  const alice = new Client(url);
  const me = await alice.signUp();
  const collectionId = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Everything' })).body.id;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  console.log(`inserting ${IMAGES.toLocaleString('en')} images and ${(IMAGES * VARIANT_SIZES.length).toLocaleString('en')} variant rows…`);
  const seedStart = performance.now();
  await seed(db, me.id, collectionId);
  console.log(`inserted in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  // cursors of images spread over the whole library, each with a whole page after it
  const cursors = (
    await db.query<{ cursor: string }>(
      `SELECT cursor FROM (SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || id AS cursor FROM images
          WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT ${IMAGES - PAGE}) AS full_pages ORDER BY random() LIMIT ${REQUESTS + 20}`,
      [me.id],
    )
  ).rows.map((r) => r.cursor);

  const rssIdle = rssBytes(pid);
  const full = await fullList(url, alice.cookie!, pid);

  const cookie = { cookie: alice.cookie! };
  const gqlHeaders = { ...cookie, 'content-type': 'application/json' };
  // every image of a REST page has one "baseUrl", every edge of a GraphQL page one "cursor"
  const restPage = async (i: number, warmUp: boolean) => {
    const { status, body } = await send(`${url}/api/v1/images?limit=${PAGE}&after=${encodeURIComponent(cursors[i]!)}`, 'GET', cookie);
    const images = warmUp ? (JSON.parse(body.toString()) as unknown[]).length : occurrences(body, KEY);
    if (status !== 200 || images !== PAGE) throw new Error(`REST page: ${status}, ${images} images`);
  };
  const graphqlPage = (query: string, base = url) => async (i: number, warmUp: boolean) => {
    const { status, body } = await send(`${base}/graphql`, 'POST', gqlHeaders, JSON.stringify({ query, variables: { after: cursors[i] } }));
    const parsed = warmUp ? (JSON.parse(body.toString()) as { data?: { images: { edges: unknown[] } }; errors?: unknown }) : null;
    const edges = parsed ? (parsed.data?.images.edges.length ?? 0) : occurrences(body, '"cursor":');
    if (status !== 200 || edges !== PAGE || parsed?.errors || occurrences(body, '"errors":')) throw new Error(`GraphQL page: ${status}, ${edges} edges, ${body.subarray(0, 300).toString()}`);
  };
  const rest = await timed(REQUESTS, restPage);
  const restServer = serverTimes(server.output(), '/api/v1/images?limit=', REQUESTS);
  const graphql = await timed(REQUESTS, graphqlPage(IMAGES_PAGE));
  const graphqlServer = serverTimes(server.output(), '/graphql', REQUESTS);
  const withCount = await timed(Math.min(REQUESTS, 100), graphqlPage(IMAGES_PAGE.replace('pageInfo {', 'totalCount pageInfo {')));
  const rssAfter = rssBytes(pid);

  // The baseline, in the same run: the same pages from a server that runs queries on graphql-js's
  // executor (GRAPHQL_JIT=off), as every query ran before graphql-jit; same database, same cursors.
  const interpreted = runMain(['serve'], { DATABASE_URL: databaseUrl, DATA_DIR: join(dir, 'interpreted'), PORT: '0', PROCESSING: 'off', GRAPHQL_JIT: 'off', ...RUNTIME_ENV });
  const interpretedUrl = /listening on (http:\/\/\S+)/.exec(await interpreted.waitFor(/optimage listening on/))![1]!;
  const baseline = await timed(REQUESTS, graphqlPage(IMAGES_PAGE, interpretedUrl)).finally(() => interpreted.child.kill('SIGTERM'));
  const baselineServer = serverTimes(interpreted.output(), '/graphql', REQUESTS);
  await interpreted.exited;

  // Flat or merely uncollected? The same full list from a second server whose V8 heap is capped
  // far below the body's size: it completes only if the stream holds a bounded amount.
  const capped = runMain(['serve'], { DATABASE_URL: databaseUrl, DATA_DIR: join(dir, 'capped'), PORT: '0', PROCESSING: 'off', ...RUNTIME_ENV, NODE_OPTIONS: `${RUNTIME_ENV.NODE_OPTIONS} --max-old-space-size=${CAPPED_HEAP_MB}` });
  const cappedUrl = /listening on (http:\/\/\S+)/.exec(await capped.waitFor(/optimage listening on/))![1]!;
  const cappedFull = await fullList(cappedUrl, alice.cookie!, capped.child.pid!).catch((err: unknown) => {
    throw new Error(`the capped server's full list failed (${String(err)}); its output:\n${capped.output().split('\n').slice(-30).join('\n')}`);
  }).finally(() => capped.child.kill('SIGTERM'));
  await capped.exited;

  // the statements one page runs, as ImageLibrary sends them, then explained
  const captured: { query: string; parameters: unknown[] }[] = [];
  const capture: OrmLogger = {
    logQuery: (query, parameters) => void captured.push({ query, parameters: Array.isArray(parameters) ? parameters : [] }),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  const orm = createDataSource(databaseUrl, ENTITIES, 1);
  orm.setOptions({ logging: ['query'], logger: capture });
  await orm.initialize();
  captured.length = 0; // TypeORM's own start-up queries
  const library = new ImageLibrary(orm);
  const middle = decodeCursor(cursors[0]!, 'after');
  const actor = { userId: me.id, teamId: String((await orm.query('SELECT team_id FROM collections WHERE id = $1', [collectionId]))[0].team_id), role: 'owner' as const, scopes: ROLE_ACTIONS.owner, via: 'session' as const };
  const page = await library.page(actor, {}, { limit: PAGE + 1, after: middle, oldestFirst: false });
  await library.variantsOf(page.map((i) => i.id));
  await library.count(actor, {});
  await orm.destroy();
  const plans: { what: string; plan: string }[] = [];
  const names = ['keyset page (REST ?limit=100&after=, GraphQL images(first: 100, after:))', 'variants of the page (one query)', 'totalCount (GraphQL, when asked for)'];
  for (const [i, { query, parameters }] of captured.filter((c) => /^SELECT/i.test(c.query)).entries()) {
    const rows = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query}`, parameters)).rows;
    // the variants query's 100 ids would fill the screen
    const line = (text: string) => (text.length > 160 ? `${text.slice(0, 157)}…` : text);
    plans.push({ what: names[i] ?? `query ${i + 1}`, plan: rows.map((r) => line(r['QUERY PLAN'])).join('\n') });
  }
  await db.end();

  const f = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`\nlisting ${IMAGES.toLocaleString('en')} images (12 variants each) of one account; PostgreSQL ${process.env.DATABASE_URL ? 'external (DATABASE_URL)' : 'embedded'}; one request at a time\n`);
  console.log('| what | p50 | p95 | p99 | notes |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(`| REST full list (streamed) | | | | first byte ${f(full.ttfbMs)}, total ${(full.totalMs / 1000).toFixed(2)} s, ${mb(full.bytes)}, ${full.images.toLocaleString('en')} images, server RSS +${mb(full.rssGrowth)} (idle ${mb(rssIdle)}) |`);
  console.log(`| REST page of ${PAGE} (?limit&after, ${REQUESTS} requests) | ${f(pct(rest, 50))} | ${f(pct(rest, 95))} | ${f(pct(rest, 99))} | target p95 < 20 ms; the server's own p50 ${f(pct(restServer, 50))}, p95 ${f(pct(restServer, 95))} (its request log) |`);
  console.log(`| GraphQL images(first: ${PAGE}, after:) (${REQUESTS} requests) | ${f(pct(graphql, 50))} | ${f(pct(graphql, 95))} | ${f(pct(graphql, 99))} | target p95 < 20 ms; the server's own p50 ${f(pct(graphqlServer, 50))}, p95 ${f(pct(graphqlServer, 95))} |`);
  console.log(`| baseline: the same page, GRAPHQL_JIT=off (graphql-js's executor; ${REQUESTS} requests) | ${f(pct(baseline, 50))} | ${f(pct(baseline, 95))} | ${f(pct(baseline, 99))} | compiled ÷ baseline: p50 ${(pct(graphql, 50) / pct(baseline, 50)).toFixed(2)}, p95 ${(pct(graphql, 95) / pct(baseline, 95)).toFixed(2)}; the server's own p50 ${f(pct(baselineServer, 50))}, p95 ${f(pct(baselineServer, 95))} |`);
  console.log(`| the same with totalCount (${withCount.length} requests) | ${f(pct(withCount, 50))} | ${f(pct(withCount, 95))} | ${f(pct(withCount, 99))} | counts every image of the account each time |`);
  console.log(`| the same, server heap capped at ${CAPPED_HEAP_MB} MB (--max-old-space-size) | | | | ${cappedFull.images === full.images ? 'completed' : 'INCOMPLETE'}: first byte ${f(cappedFull.ttfbMs)}, total ${(cappedFull.totalMs / 1000).toFixed(2)} s, ${cappedFull.images.toLocaleString('en')} images, server RSS +${mb(cappedFull.rssGrowth)} |`);
  console.log(`\nserver RSS after the pages: ${mb(rssAfter)}`);
  for (const { what, plan } of plans) console.log(`\nEXPLAIN (ANALYZE, BUFFERS), ${what}:\n${plan}`);
} finally {
  if (server && server.child.exitCode === null) server.child.kill('SIGTERM');
  await server?.exited;
  await database?.close();
  await rm(dir, { recursive: true, force: true });
}
