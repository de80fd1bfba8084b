/**
 * One intake for every client: the upload size matrix over REST and GraphQL with real camera-sized
 * photos, file names in any language (and hostile ones), malformed GraphQL multipart requests,
 * keep-alive connections that stay usable after every rejection, and Apollo Client's upload link.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApolloClient, ApolloLink, InMemoryCache, gql } from '@apollo/client';
import UploadHttpLink from 'apollo-upload-client/UploadHttpLink.mjs';
import { describe, expect } from 'vitest';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { graphqlUpload, restUpload, sha256, uploadForm, waitForImage } from './support/upload.ts';

const MAX = 24 * 1024 * 1024;
const test = appTest({ MAX_UPLOAD_BYTES: String(MAX) });

const UPLOAD = `mutation Up($file: Upload!, $checksum: String!, $collectionId: ID!, $slug: String) {
  uploadImage(file: $file, checksum: $checksum, collectionId: $collectionId, slug: $slug) {
    __typename
    ... on Image { id slug status width height }
    ... on AppError { code message }
  }
}`;

type UploadResult = { __typename: string; id?: string; slug?: string; status?: string; width?: number; height?: number; code?: string; message?: string };

async function gqlUpload(client: Client, bytes: Uint8Array, collectionId: string, filename = 'photo.jpg') {
  const { status, body } = await graphqlUpload(client, UPLOAD, { checksum: sha256(bytes), collectionId }, bytes, filename);
  return { status, result: body.data?.uploadImage as UploadResult | undefined, body };
}

const used = async (app: { dataSource: { query: (q: string) => Promise<{ used: number }[]> } }) =>
  (await app.dataSource.query('SELECT coalesce(sum(used), 0)::int AS used FROM usage'))[0]!.used;
/** Spooled uploads left in the scratch dir (originals fetched for processing live there too, briefly). */
const spooled = async (app: { dataDir: string }) => (await readdir(join(app.dataDir, 'uploads'))).filter((n) => n.startsWith('optimage-upload-')).length;

const matrix: [string, () => Promise<Buffer>][] = [
  ['1 KB', () => cameraPhoto({ width: 32, height: 24, bytes: 1024 })],
  ['1.5 MB', () => cameraPhoto({ width: 2000, height: 1500, bytes: 1_500_000 })],
  ['5 MB', () => cameraPhoto({ bytes: 5_000_000 })],
  ['20 MB', () => cameraPhoto({ bytes: 20_000_000 })],
  ['exactly MAX_UPLOAD_BYTES', () => cameraPhoto({ bytes: MAX })],
];

describe('upload size matrix', () => {
  test.for(matrix)('REST, %s: 201, then ready at the photo’s own size', async ([, make], { alice, collection }) => {
    const bytes = await make();
    const up = await restUpload(alice, bytes, { collection });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const ready = await waitForImage(alice, up.body.id, 60_000);
    expect(ready).toMatchObject({ status: 'ready', bytes: bytes.length });
  });

  test.for(matrix)('GraphQL multipart, %s: an Image, then ready', async ([, make], { alice, collection }) => {
    const bytes = await make();
    const { status, result } = await gqlUpload(alice, bytes, collection);
    expect(status).toBe(200);
    expect(result).toMatchObject({ __typename: 'Image', status: 'PROCESSING' });
    const ready = await waitForImage(alice, result!.id!, 60_000);
    expect(ready).toMatchObject({ status: 'ready', bytes: bytes.length });
  });

  test('one byte over the limit: REST 413, GraphQL a typed FILE_TOO_LARGE; nothing stored, no quota used', async ({ app, alice, collection }) => {
    const bytes = await cameraPhoto({ bytes: MAX + 1 });
    const before = await used(app);
    const rest = await restUpload(alice, bytes, { collection });
    expect(rest.status).toBe(413);
    expect(rest.body).toMatchObject({ code: 'FILE_TOO_LARGE', message: expect.stringContaining(String(MAX)) });
    const graphql = await gqlUpload(alice, bytes, collection);
    expect(graphql.result).toMatchObject({ __typename: 'AppError', code: 'FILE_TOO_LARGE' });
    expect(await used(app)).toBe(before);
    expect(await spooled(app)).toBe(0);
    const rows = await app.dataSource.query('SELECT count(*)::int AS n FROM images WHERE collection_id = $1', [collection]);
    expect(rows[0].n).toBe(0);
  });
});

/** A multipart body with the part headers exactly as given (FormData would escape them). */
function rawMultipart(parts: { headers: string; body: Buffer | string }[]): { body: Buffer; type: string } {
  const boundary = `----optimage${Math.random().toString(36).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) chunks.push(Buffer.from(`--${boundary}\r\n${part.headers}\r\n\r\n`, 'utf8'), Buffer.from(part.body), Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

function restParts(bytes: Buffer, disposition: string, collection: string) {
  return rawMultipart([
    { headers: `Content-Disposition: form-data; name="file"; ${disposition}\r\nContent-Type: image/jpeg`, body: bytes },
    { headers: 'Content-Disposition: form-data; name="checksum"', body: sha256(bytes) },
    { headers: 'Content-Disposition: form-data; name="collection"', body: collection },
  ]);
}

/** Sends over one kept-alive socket; `reused` tells whether the socket had served a request before. */
function send(agent: Agent, url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer }): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent, method: options.method ?? 'GET', headers: { ...options.headers, ...(options.body ? { 'content-length': String(options.body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function postRaw(client: Client, body: Buffer, type: string) {
  const res = await fetch(`${client.baseUrl}/api/v1/images`, { method: 'POST', headers: client.headers({ 'content-type': type }), body: new Uint8Array(body) });
  return { status: res.status, body: (await res.json()) as { id: string; slug: string; code?: string; message?: string } };
}

describe('file names in any language', () => {
  const cases: [string, string, string, string][] = [
    // [what, Content-Disposition parameters, stored name, slug]
    ['accented Latin (raw UTF-8, as browsers send)', 'filename="Café au lait.jpg"', 'Café au lait.jpg', 'cafe-au-lait'],
    ['umlauts and ß', 'filename="Ünïcödé Straße.jpg"', 'Ünïcödé Straße.jpg', 'unicode-strasse'],
    ['CJK', 'filename="東京の写真.jpg"', '東京の写真.jpg', 'dong-jing-noxie-zhen'],
    ['RFC 8187 filename* with an encoded NUL', "filename*=UTF-8''Caf%C3%A9%00night.jpg", 'Cafénight.jpg', 'cafenight'],
    ['RFC 8187 filename* with encoded control characters (a line break folds to a space)', "filename*=UTF-8''a%01b%0Ac%7Fd.jpg", 'ab cd.jpg', 'ab-cd'],
    ['a path that climbs', 'filename="../../x.jpg"', 'x.jpg', 'x'],
    ['300 characters', `filename="${'ж'.repeat(296)}.jpg"`, 'ж'.repeat(255), 'zh'.repeat(46)],
    ['nothing usable', 'filename="🙂🙂.jpg"', '🙂🙂.jpg', 'image'],
  ];

  test.for(cases)('%s', async ([, disposition, stored, slug], { app, alice, collection }) => {
    const bytes = await cameraPhoto({ width: 640, height: 480, seed: 3 });
    const { body, type } = restParts(bytes, disposition, collection);
    const res = await postRaw(alice, body, type);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.slug).toBe(slug);
    const [row] = await app.dataSource.query('SELECT original_filename FROM images WHERE id = $1', [res.body.id]);
    expect(row.original_filename).toBe(stored);
    expect((await waitForImage(alice, res.body.id)).status).toBe('ready');
  });

  test('raw control characters in a part header: a 400 that says how to send the name', async ({ alice, collection }) => {
    const bytes = await cameraPhoto({ width: 64, height: 48 });
    for (const raw of ['a\u0001b.jpg', 'nul\u0000.jpg']) {
      const { body, type } = restParts(bytes, `filename="${raw}"`, collection);
      const res = await postRaw(alice, body, type);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_MULTIPART', message: expect.stringMatching(/control characters.*RFC 8187/) });
    }
  });

  test('over GraphQL the same rules apply', async ({ alice, collection }) => {
    const bytes = await cameraPhoto({ width: 640, height: 480, seed: 4 });
    const { result } = await gqlUpload(alice, bytes, collection, 'Ünïcödé Straße.jpg');
    expect(result).toMatchObject({ __typename: 'Image', slug: 'unicode-strasse' });
  });
});

describe('malformed GraphQL multipart requests: a 4xx that says what to fix', () => {
  const csrf = { 'x-graphql-yoga-csrf': '1' };
  const operations = (collectionId: string, bytes: Buffer) => JSON.stringify({ query: UPLOAD, variables: { file: null, checksum: sha256(bytes), collectionId } });

  test.for([
    ['a map naming a file that is never sent', (ops: string) => [{ n: 'operations', v: ops }, { n: 'map', v: '{"0":["variables.file"]}' }], 'FILE_MISSING'],
    ['no map', (ops: string) => [{ n: 'operations', v: ops }, { n: '0', f: true }], 'INVALID_MULTIPART'],
    ['a map that is not JSON', (ops: string) => [{ n: 'operations', v: ops }, { n: 'map', v: '{0:' }, { n: '0', f: true }], 'INVALID_MULTIPART'],
    ['operations that are not JSON', () => [{ n: 'operations', v: 'nope' }, { n: 'map', v: '{"0":["variables.file"]}' }, { n: '0', f: true }], 'INVALID_MULTIPART'],
    ['a map path outside the variables', (ops: string) => [{ n: 'operations', v: ops }, { n: 'map', v: '{"0":["query"]}' }, { n: '0', f: true }], 'INVALID_MULTIPART'],
    ['two files', (ops: string) => [{ n: 'operations', v: ops }, { n: 'map', v: '{"0":["variables.file"],"1":["variables.file"]}' }, { n: '0', f: true }, { n: '1', f: true }], 'TOO_MANY_FILES'],
  ] as const)('%s', async ([, parts, code], { alice, collection, app }) => {
    const bytes = await cameraPhoto({ width: 64, height: 48 });
    const form = new FormData();
    for (const part of parts(operations(collection, bytes)) as { n: string; v?: string; f?: boolean }[]) {
      if (part.f) form.append(part.n, new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'x.jpg');
      else form.append(part.n, part.v!);
    }
    const res = await alice.request('POST', '/graphql', form, csrf);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({ extensions: { code } });
    expect(body.errors[0]!.message.length).toBeGreaterThan(20);
    expect(await spooled(app)).toBe(0);
  });

  test('an Upload variable sent as JSON, not as a file: a GraphQL error, not a masked one', async ({ alice, collection }) => {
    const res = await alice.request('POST', '/graphql', { query: UPLOAD, variables: { file: 'not-a-file', checksum: 'a'.repeat(64), collectionId: collection } }, csrf);
    const body = (await res.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toMatch(/multipart request spec/);
  });

  test('not signed in: the mutation answers UNAUTHENTICATED and the file is never written', async ({ app, collection }) => {
    const bytes = await cameraPhoto({ bytes: 3_000_000 });
    const anonymous = new Client(app.url);
    const { result, body } = await gqlUpload(anonymous, bytes, collection);
    const code = result?.code ?? (body.errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code;
    expect(code).toBe('UNAUTHENTICATED');
    expect(await spooled(app)).toBe(0);
  });
});

describe('after a rejected upload the keep-alive connection stays usable', () => {
  test('REST and GraphQL rejections, then a request on the same socket', async ({ app, alice, collection }) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const auth = { cookie: alice.cookie! };
    const photo = await cameraPhoto({ width: 800, height: 600 });
    const tooBig = await cameraPhoto({ bytes: MAX + 1 });
    const serialize = async (form: FormData) => {
      const req = new Request('http://x/', { method: 'POST', body: form });
      return { body: Buffer.from(await req.arrayBuffer()), type: req.headers.get('content-type')! };
    };
    const gqlForm = (bytes: Buffer, map = '{"0":["variables.file"]}') => {
      const form = new FormData();
      form.append('operations', JSON.stringify({ query: UPLOAD, variables: { file: null, checksum: sha256(bytes), collectionId: collection } }));
      form.append('map', map);
      form.append('0', new Blob([new Uint8Array(bytes)]), 'p.jpg');
      return serialize(form);
    };
    const rejections: [string, string, () => Promise<{ body: Buffer; type: string }>, number][] = [
      ['REST, one byte too large', '/api/v1/images', () => serialize(uploadForm(tooBig, { collection, checksum: sha256(tooBig) })), 413],
      ['REST, wrong checksum', '/api/v1/images', () => serialize(uploadForm(photo, { collection, checksum: 'f'.repeat(64) })), 400],
      ['REST, a text file', '/api/v1/images', () => serialize(uploadForm(Buffer.from('hello'), { collection, checksum: sha256(Buffer.from('hello')) })), 400],
      ['REST, raw control character in the name', '/api/v1/images', async () => restParts(photo, 'filename="a\u0001.jpg"', collection), 400],
      ['GraphQL, one byte too large', '/graphql', () => gqlForm(tooBig), 200],
      ['GraphQL, map naming a missing file', '/graphql', () => gqlForm(photo, '{"7":["variables.file"]}'), 400],
    ];
    // warm the socket up
    expect((await send(agent, `${app.url}/healthz`, {})).status).toBe(200);
    for (const [what, path, make, status] of rejections) {
      const { body, type } = await make();
      const res = await send(agent, app.url + path, { method: 'POST', headers: { ...auth, 'content-type': type, 'x-graphql-yoga-csrf': '1' }, body });
      expect(res.status, what).toBe(status);
      expect(res.headers['content-type'], what).toMatch(/json/);
      const next = await send(agent, `${app.url}/api/v1/auth/me`, { headers: auth });
      expect(next.status, `${what}: the next request`).toBe(200);
      expect(next.reused, `${what}: the next request reuses the socket`).toBe(true);
    }
    agent.destroy();
  });
});

describe('Apollo Client with apollo-upload-client, as their READMEs say', () => {
  test('uploads a camera photo (File) and reads it back through the normalized cache', async ({ app, alice, collection }) => {
    const client = new ApolloClient({
      link: ApolloLink.from([new UploadHttpLink({ uri: `${app.url}/graphql`, headers: { 'apollo-require-preflight': 'true', cookie: alice.cookie! } })]),
      // result unions need possibleTypes for fragment matching (Apollo's docs; codegen can write them)
      cache: new InMemoryCache({ possibleTypes: { MutationUploadImageResult: ['Image', 'AppError'] } }),
    });
    const bytes = await cameraPhoto({ bytes: 4_000_000 });
    const file = new File([new Uint8Array(bytes)], 'Beach Sunset.jpg', { type: 'image/jpeg' });
    const { data } = await client.mutate<{ uploadImage: UploadResult }>({
      mutation: gql(UPLOAD),
      variables: { file, checksum: sha256(bytes), collectionId: collection },
    });
    expect(data?.uploadImage).toMatchObject({ __typename: 'Image', slug: 'beach-sunset', status: 'PROCESSING', width: 4000, height: 3000 });
    await waitForImage(alice, data!.uploadImage.id!, 60_000);
    const query = gql`query One($id: ID!) { image(id: $id) { id status variants { size width } } }`;
    const read = await client.query<{ image: { id: string; status: string; variants: { size: number; width: number }[] } }>({ query, variables: { id: data!.uploadImage.id }, fetchPolicy: 'network-only' });
    expect(read.data?.image.status).toBe('READY');
    expect(read.data?.image.variants.find((v) => v.size === 0)?.width).toBe(4000);
    const cached = client.cache.extract() as Record<string, Record<string, unknown> | undefined>;
    expect(cached[`Image:${data!.uploadImage.id}`]).toMatchObject({ status: 'READY' });
    client.stop();
  });
});
