import { describe, expect } from 'vitest';
import { CollectionDocument, CollectionsDocument, CreateCollectionDocument, DeleteCollectionDocument, RenameCollectionDocument } from './generated/graphql.ts';
import { appTest } from './support/fixtures.ts';
import { Client } from './support/http.ts';

const test = appTest();

describe('collections over REST', () => {
  test('creates, lists newest first, fetches, renames and deletes', async ({ alice }) => {
    const a = await alice.json<{ id: string; name: string; createdAt: string }>('POST', '/api/v1/collections', { name: ' Holidays ' });
    expect(a.status).toBe(201);
    expect(a.body).toEqual({ id: expect.stringMatching(/^col_[a-z0-9]{20}$/), name: 'Holidays', formats: ['webp'], quality: 80, visibility: 'public', variants: [], metadata: 'none', colorProfile: 'srgb', createdAt: expect.stringMatching(/Z$/), teamId: expect.stringMatching(/^team_/) });
    const b = await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Products' });
    const list = await alice.json<{ id: string }[]>('GET', '/api/v1/collections');
    expect(list.body.map((c) => c.id)).toEqual([b.body.id, a.body.id]);
    expect((await alice.json('GET', `/api/v1/collections/${a.body.id}`)).body).toMatchObject({ name: 'Holidays' });
    const renamed = await alice.json('PATCH', `/api/v1/collections/${a.body.id}`, { name: 'Summer' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: a.body.id, name: 'Summer' });
    expect((await alice.request('DELETE', `/api/v1/collections/${b.body.id}`)).status).toBe(204);
    expect((await alice.json('GET', `/api/v1/collections/${b.body.id}`)).status).toBe(404);
  });

  test('validates names and requires authentication', async ({ app, alice }) => {
    expect((await alice.json('POST', '/api/v1/collections', { name: '' })).body).toMatchObject({ code: 'INVALID_NAME' });
    expect((await alice.json('POST', '/api/v1/collections', {})).status).toBe(400);
    expect((await alice.json('POST', '/api/v1/collections', { name: 'x'.repeat(101) })).status).toBe(400);
    const anon = new Client(app.url);
    expect((await anon.json('GET', '/api/v1/collections')).status).toBe(401);
    expect((await anon.json('POST', '/api/v1/collections', { name: 'x' })).status).toBe(401);
  });

  test("never shows or changes another user's collection", async ({ alice, bob }) => {
    const mine = await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Private' });
    const id = mine.body.id;
    const get = await bob.json('GET', `/api/v1/collections/${id}`);
    expect(get.status).toBe(404);
    expect(JSON.stringify(get.body)).not.toContain('Private');
    expect((await bob.json('PATCH', `/api/v1/collections/${id}`, { name: 'Hacked' })).status).toBe(404);
    expect((await bob.json('DELETE', `/api/v1/collections/${id}`)).status).toBe(404);
    expect((await bob.json<{ id: string }[]>('GET', '/api/v1/collections')).body.map((c) => c.id)).not.toContain(id);
    expect((await alice.json('GET', `/api/v1/collections/${id}`)).body).toMatchObject({ name: 'Private' });
  });
});

describe('collections over GraphQL', () => {
  test('create, list, fetch, rename, delete with typed errors and per-user isolation', async ({ alice, bob }) => {
    const created = await alice.gql(CreateCollectionDocument, { name: 'GraphQL' });
    expect(created.data?.createCollection).toMatchObject({ __typename: 'Collection', name: 'GraphQL' });
    const id = (created.data?.createCollection as { id: string }).id;
    expect((await alice.gql(CollectionsDocument)).data?.collections.map((c) => c.id)).toContain(id);
    expect((await alice.gql(CollectionDocument, { id })).data?.collection?.name).toBe('GraphQL');
    expect((await bob.gql(CollectionDocument, { id })).data?.collection).toBeNull();
    expect((await bob.gql(RenameCollectionDocument, { id, name: 'x' })).data?.renameCollection).toMatchObject({ __typename: 'NotFoundError', code: 'COLLECTION_NOT_FOUND' });
    expect((await alice.gql(CreateCollectionDocument, { name: '  ' })).data?.createCollection).toMatchObject({ __typename: 'ValidationError', code: 'INVALID_NAME', field: 'name' });
    expect((await alice.gql(RenameCollectionDocument, { id, name: 'Renamed' })).data?.renameCollection).toMatchObject({ name: 'Renamed' });
    expect((await bob.gql(DeleteCollectionDocument, { id })).data?.deleteCollection).toMatchObject({ __typename: 'NotFoundError', code: 'COLLECTION_NOT_FOUND' });
    expect((await alice.gql(DeleteCollectionDocument, { id })).data?.deleteCollection).toEqual({ __typename: 'Deleted', id });
    expect((await alice.gql(CollectionDocument, { id })).data?.collection).toBeNull();
  });
});
