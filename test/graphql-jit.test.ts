/**
 * Queries run compiled by graphql-jit (src/http/graphql-jit.ts), and answer exactly as graphql-js
 * answers them: a second server on the same database with GRAPHQL_JIT=off is the reference, and
 * every query a frontend sends — Relay-style fragments with @include/@skip on spreads, aliases,
 * arguments, connections both ways, Node lookups across types, typed errors, unauthenticated
 * requests, bad variables, a chosen operation of several — gets the same status and the same bytes
 * of JSON from both (with fragment spreads, the same values: graphql-jit may order their keys
 * otherwise). Errors keep their locations. /metrics shows which executor ran what: queries on jit, mutations and
 * subscriptions on graphql-js, everything on graphql-js with GRAPHQL_JIT=off.
 */
import { expect } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import type { Client } from './support/http.ts';
import { restUpload, waitForImage } from './support/upload.ts';
import { collect, wsClient, wsOperation } from './support/ws.ts';

// both servers must write the same URLs, whatever their ports
const SHARED = { CDN_BASE_URL: 'https://cdn.example.test/optimage', PUBLIC_BASE_URL: 'https://images.example.test' };

interface Library {
  collection: string;
  ready: string[];
  failed: string;
  processing: string;
  bobs: string;
}

const test = appTest(SHARED).extend<{ $file: { reference: TestApp; library: Library } }>({
  reference: [
    async ({ app }, use) => {
      const reference = await startTestApp({ ...SHARED, DATABASE_URL: app.databaseUrl, GRAPHQL_JIT: 'off', PROCESSING: 'off' });
      try {
        await use(reference);
      } finally {
        await reference.close();
      }
    },
    { scope: 'file' },
  ],
  library: [
    async ({ app, alice, bob }, use) => {
      const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Compiled' })).body.id;
      const ready: string[] = [];
      for (let i = 0; i < 3; i++) {
        const up = await restUpload(alice, await cameraPhoto({ width: 1200, height: 900, seed: 70 + i }), { collection, slug: `photo-${i}` });
        ready.push(up.body.id);
      }
      for (const id of ready) expect((await waitForImage(alice, id)).status).toBe('ready');
      const failing = await restUpload(alice, await cameraPhoto({ width: 640, height: 480, seed: 80 }), { collection, slug: 'broken' });
      await waitForImage(alice, failing.body.id);
      await app.dataSource.query(`UPDATE images SET status = 'failed', error = 'decoder gave up', failure_kind = 'file' WHERE id = $1`, [failing.body.id]);
      await app.processing!.pause();
      const processing = (await restUpload(alice, await cameraPhoto({ width: 640, height: 480, seed: 81 }), { collection, slug: 'pending' })).body.id;
      const bobsCollection = (await bob.json<{ id: string }>('POST', '/api/v1/collections', { name: "Bob's" })).body.id;
      const bobs = (await restUpload(bob, await cameraPhoto({ width: 640, height: 480, seed: 82 }), { collection: bobsCollection })).body.id;
      await use({ collection, ready, failed: failing.body.id, processing, bobs });
    },
    { scope: 'file' },
  ],
});

const CARD = `
fragment Card on Image {
  __typename id slug status step progress error width height format bytes createdAt checksum baseUrl
  src srcset avifSrcset thumb: url(size: $size) missing: url(size: 7)
  placeholder @skip(if: $skipPlaceholder) { color thumbhash dataUrl }
  collection { id name imageCount }
}
fragment Variants on Image { variants { size width height bytes format url } }
fragment CollectionFields on Collection { __typename id name formats createdAt imageCount }`;

const GALLERY = `query Gallery($c: ID!, $withVariants: Boolean!, $skipPlaceholder: Boolean!, $size: Int = 320, $after: String) {
  collection(id: $c) {
    ...CollectionFields
    images(first: 2, after: $after) {
      totalCount
      edges { cursor node { ...Card ...Variants @include(if: $withVariants) } }
      nodes { id }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
    newestReady: images(status: READY, last: 2) { totalCount nodes { id status } pageInfo { hasPreviousPage startCursor } }
    failed: images(status: FAILED, first: 5) { nodes { id status error progress placeholder { color } variants { size } src } }
  }
}
${CARD}`;

const PAGE = `query Page($after: String, $first: Int = 100) {
  images(first: $first, after: $after) {
    edges { cursor node { id slug status width height createdAt src srcset placeholder { color dataUrl } variants { size width height url } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** What a case learned for the cases after it: the cursor the first page ended its second edge on. */
interface Seen {
  cursor?: string;
}

type Answer = { data?: unknown; errors?: { extensions?: { code?: string } }[] };

interface Case {
  name: string;
  query: (l: Library) => string;
  variables?: (l: Library, seen: Seen) => Record<string, unknown>;
  operationName?: string;
  anonymous?: boolean;
  /** More about the compiled answer than that it equals graphql-js's: that it is not two identical failures. */
  check?: (answer: Answer, l: Library, seen: Seen) => void;
}

type PageAnswer = { data: { images: { edges: { cursor: string; node: { id: string; status: string; variants: unknown[]; srcset: string | null } }[] } } };

const CASES: Case[] = [
  {
    name: 'the page bench:list times',
    query: () => PAGE,
    check: (answer, l, seen) => {
      // alice's images, the ready ones with every size
      const edges = (answer as PageAnswer).data.images.edges;
      expect(edges.map((e) => e.node.id).sort()).toEqual([...l.ready, l.failed, l.processing].sort());
      for (const { node } of edges.filter((e) => e.node.status === 'READY')) expect(node.variants).toHaveLength(12);
      expect(edges.find((e) => e.node.id === l.ready[0])!.node.srcset).toContain('https://cdn.example.test/optimage/');
      seen.cursor = edges[1]!.cursor;
    },
  },
  {
    name: 'a second page, from a cursor',
    query: () => PAGE,
    variables: (_l, seen) => ({ first: 2, after: seen.cursor }),
    check: (answer) => expect((answer as PageAnswer).data.images.edges).toHaveLength(2),
  },
  { name: 'fragments, variants included, placeholder kept', query: () => GALLERY, variables: (l) => ({ c: l.collection, withVariants: true, skipPlaceholder: false }) },
  { name: 'fragments, variants excluded on the spread, placeholder skipped', query: () => GALLERY, variables: (l) => ({ c: l.collection, withVariants: false, skipPlaceholder: true, size: 1280 }) },
  {
    name: 'Node lookups across types, foreign, unknown and malformed ids',
    query: () => `query ($ids: [ID!]!, $one: ID!) {
      nodes(ids: $ids) { __typename id ... on Image { slug status variants { size } } ... on Collection { name imageCount } }
      node(id: $one) { id ... on Image { width height } }
      image(id: $one) { id slug }
      nope: image(id: "img_doesnotexist") { id }
    }`,
    variables: (l) => ({ ids: [l.ready[0], l.collection, l.bobs, 'img_doesnotexist', 'not-an-id', l.processing, l.failed], one: l.ready[1] }),
  },
  {
    name: 'the account: me, config, collections, aliases and __typename',
    query: () => `{ __typename who: me { __typename id email plan } config { sizes formats plan maxUploadBytes baseUrl quota { limit used remaining } } collections { id name imageCount formats } }`,
  },
  {
    name: 'a cursor that is not one: a typed error beside null data',
    query: () => `{ images(first: 2, after: "garbage") { totalCount } }`,
    check: (answer) => expect(answer.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT'), // typed, not masked
  },
  { name: 'a negative first', query: () => `{ images(first: -1) { totalCount } }` },
  { name: 'a collection that is not yours', query: () => `query ($c: ID!) { collection(id: $c) { id name } collections { id } }`, variables: () => ({ c: 'col_doesnotexist' }) },
  {
    name: 'nobody signed in',
    query: () => `{ me { id } images(first: 1) { totalCount } collections { id } }`,
    anonymous: true,
    check: (answer) => expect(answer.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED'),
  },
  { name: 'a variable of the wrong type', query: () => PAGE, variables: () => ({ first: 'ten' }) },
  { name: 'a required variable missing', query: () => GALLERY, variables: () => ({ withVariants: true, skipPlaceholder: false }) },
  {
    name: 'one query chosen among several operations, a mutation beside it',
    query: () => `query A { me { id } } query B($c: ID!) { collection(id: $c) { name } } mutation C { logOut }`,
    variables: (l) => ({ c: l.collection }),
    operationName: 'B',
  },
];

async function post(server: TestApp, client: Client, body: Record<string, unknown>, anonymous = false): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(anonymous ? {} : client.headers()) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

async function operations(server: TestApp): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^optimage_graphql_operations_total\{type="(\w+)",engine="([\w-]+)"\} (\d+)$/gm)].map((m) => [`${m[1]}/${m[2]}`, Number(m[3])]));
}

test('every query answers as graphql-js answers it: the same bytes, or with fragments the same values', async ({ app, reference, alice, library }) => {
  const before = { jit: await operations(app), reference: await operations(reference) };
  const seen: Seen = {};
  for (const c of CASES) {
    const body = { query: c.query(library), variables: c.variables?.(library, seen) ?? {}, ...(c.operationName ? { operationName: c.operationName } : {}) };
    const compiled = await post(app, alice, body, c.anonymous);
    const interpreted = await post(reference, alice, body, c.anonymous);
    expect(compiled.status, c.name).toBe(interpreted.status);
    // the same bytes; where fragments are spread, the same values (their keys may come in another order)
    if (body.query.includes('...')) expect(JSON.parse(compiled.body), c.name).toEqual(JSON.parse(interpreted.body));
    else expect(compiled.body, c.name).toBe(interpreted.body);
    c.check?.(JSON.parse(compiled.body) as Answer, library, seen);
  }

  // which executor ran them: every query above compiled, none interpreted
  const after = { jit: await operations(app), reference: await operations(reference) };
  const ran = (side: 'jit' | 'reference', key: string) => (after[side][key] ?? 0) - (before[side][key] ?? 0);
  expect(ran('jit', 'query/jit')).toBe(CASES.length);
  expect(ran('jit', 'query/graphql-js')).toBe(0);
  expect(ran('reference', 'query/graphql-js')).toBe(CASES.length);
  expect(ran('reference', 'query/jit')).toBe(0);
});

test('mutations and subscriptions run on graphql-js; a query over graphql-ws runs compiled', async ({ app, alice, library }) => {
  const before = await operations(app);
  const renamed = await post(app, alice, { query: `mutation ($id: ID!) { updateCollection(id: $id, name: "Renamed") { ... on Collection { name } ... on Error { code } } }`, variables: { id: library.collection } });
  expect(JSON.parse(renamed.body)).toEqual({ data: { updateCollection: { name: 'Renamed' } } });

  const ws = wsClient(app.url, { cookie: alice.cookie });
  try {
    const status = collect<{ status: string; image: { id: string; variants: { size: number; url: string }[]; srcset: string | null } }>(
      ws,
      'subscription ($id: ID!) { imageStatus(id: $id) { status progress image { id variants { size url } srcset } } }',
      { id: library.processing },
      'imageStatus',
    );
    const queried = await wsOperation(ws, 'query ($id: ID!) { image(id: $id) { id status } }', { id: library.processing });
    expect(queried).toEqual({ data: { image: { id: library.processing, status: 'PROCESSING' } } });
    await expect.poll(() => app.events.subscriberCount()).toBeGreaterThan(0);
    await app.processing!.resume();
    await expect.poll(() => status.events.at(-1)?.status, { timeout: 30_000 }).toBe('READY');
    const ready = status.events.at(-1)!;
    expect(ready.image.variants).toHaveLength(12);
    expect(ready.image.srcset).toContain(`https://cdn.example.test/optimage/${library.collection}/320/pending.webp 320w`);
    status.unsubscribe();
  } finally {
    await ws.dispose();
  }

  const after = await operations(app);
  const ran = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
  expect(ran('mutation/graphql-js')).toBe(1);
  expect(ran('subscription/graphql-js')).toBe(1);
  expect(ran('query/jit')).toBe(1);
  expect(ran('mutation/jit') + ran('subscription/jit') + ran('query/graphql-js')).toBe(0);
});
