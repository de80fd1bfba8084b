/**
 * One rule for "not signed in" on every field, and the error vocabulary: the ErrorCode enum is
 * exactly the codes services can throw (src/error-codes.ts, which types AppError.code).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/error-codes.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

type GqlBody = { data?: Record<string, unknown> | null; errors?: { message: string; path?: string[]; extensions?: { code?: string } }[] };

async function post(client: Client, query: string): Promise<{ status: number; body: GqlBody }> {
  const { status, body } = await client.json<GqlBody>('POST', '/graphql', { query });
  return { status, body };
}

describe('not signed in', () => {
  const FIELDS: [string, string, Record<string, unknown> | null][] = [
    // [document, field, data: null fields stay in place, a non-null one nulls its parent]
    ['{ me { id } }', 'me', { me: null }],
    ['{ image(id: "img_x") { id } }', 'image', { image: null }],
    ['{ collection(id: "col_x") { id } }', 'collection', { collection: null }],
    ['{ node(id: "col_x") { id } }', 'node', { node: null }],
    ['{ images(first: 1) { edges { cursor } } }', 'images', null],
    ['{ collections { id } }', 'collections', null],
    ['{ config { plan } }', 'config', null],
    ['{ nodes(ids: ["col_x"]) { id } }', 'nodes', null],
    ['mutation { createCollection(name: "x") { __typename } }', 'createCollection', null],
    ['mutation { deleteImage(id: "img_x") { __typename } }', 'deleteImage', null],
  ];

  it.each(FIELDS)('%s: HTTP 200, an UNAUTHENTICATED error at the field', async (query, field, data) => {
    const { status, body } = await post(new Client(app.url), query);
    expect(status).toBe(200);
    expect(body.errors).toEqual([expect.objectContaining({ path: [field], extensions: { code: 'UNAUTHENTICATED' } })]);
    expect(body.data).toEqual(data);
  });

  it('is per field: public fields in the same request still answer', async () => {
    const { status, body } = await post(new Client(app.url), '{ me { id } image(id: "img_x") { id } __typename }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ me: null, image: null, __typename: 'Query' });
    expect(body.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([
      ['me', 'UNAUTHENTICATED'],
      ['image', 'UNAUTHENTICATED'],
    ]);
  });

  it('a revoked credential is the same as none', async () => {
    const c = new Client(app.url);
    await c.signUp();
    const key = (await c.json<{ id: string; key: string }>('POST', '/api/v1/api-keys', { name: 'k' })).body;
    await c.request('DELETE', `/api/v1/api-keys/${key.id}`);
    const server = new Client(app.url);
    server.bearer = key.key;
    const { status, body } = await post(server, '{ collections { id } }');
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('ErrorCode', () => {
  it('lists exactly the codes in src/error-codes.ts, each described', async () => {
    const c = new Client(app.url);
    const { body } = await post(c, '{ __type(name: "ErrorCode") { enumValues { name description } } }');
    const values = (body.data!.__type as { enumValues: { name: string; description: string }[] }).enumValues;
    expect(values.map((v) => v.name).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(values.every((v) => v.description.length > 0)).toBe(true);
  });

  it('types expected failures: NotFoundError, ValidationError with field, AppError for the rest', async () => {
    const c = new Client(app.url);
    await c.signUp();
    const ask = async (mutation: string) => (await post(c, `mutation { r: ${mutation} { __typename ... on Error { code } ... on ValidationError { field } } }`)).body.data?.r;
    expect(await ask('revokeApiKey(id: "key_nope")')).toEqual({ __typename: 'NotFoundError', code: 'API_KEY_NOT_FOUND' });
    expect(await ask('createApiKey(name: "")')).toEqual({ __typename: 'ValidationError', code: 'INVALID_NAME', field: 'name' });
    expect(await ask('signUp(email: "nope", password: "long enough")')).toEqual({ __typename: 'ValidationError', code: 'INVALID_EMAIL', field: 'email' });
    expect(await ask('renameCollection(id: "col_nope", name: "x")')).toEqual({ __typename: 'NotFoundError', code: 'COLLECTION_NOT_FOUND' });
    const many = await post(c, `{ nodes(ids: [${Array.from({ length: 101 }, (_, i) => `"col_${i}"`).join(',')}]) { id } }`);
    expect(many.body.errors?.[0]).toMatchObject({ path: ['nodes'], extensions: { code: 'INVALID_INPUT' } });
  });
});
