/**
 * Apollo Client 4 as its README sets it up for this server: apollo-upload-client's UploadHttpLink
 * (with the `apollo-require-preflight` CSRF header) and an InMemoryCache given the codegen'd
 * possibleTypes. Typed errors arrive as union members, node/nodes load by the REST ids, and the
 * normalized cache updates a node from a mutation's result alone.
 */
import { ApolloClient, CombinedGraphQLErrors, gql, InMemoryCache, type TypedDocumentNode } from '@apollo/client';
import UploadHttpLink from 'apollo-upload-client/UploadHttpLink.mjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateApiKeyDocument, CreateCollectionDocument, LogInDocument, MeDocument, NodeDocument, NodesDocument, RenameCollectionDocument, SignUpDocument } from './generated/graphql.ts';
import introspection from './generated/possible-types.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { sha256 } from './support/upload.ts';

let app: TestApp;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  app = await startTestApp({ PLAN_LIMITS: 'free=1' });
  alice = new Client(app.url);
  bob = new Client(app.url);
  await alice.signUp();
  await bob.signUp();
});
afterAll(async () => {
  await app?.close();
});

/** The README's client; in a browser `credentials: 'include'` sends the cookie, here the header does. */
function apollo(cookie: string | null = null) {
  return new ApolloClient({
    link: new UploadHttpLink({ uri: `${app.url}/graphql`, headers: { 'apollo-require-preflight': 'true', ...(cookie ? { cookie } : {}) } }),
    cache: new InMemoryCache({ possibleTypes: introspection.possibleTypes }),
  });
}

const UploadImage: TypedDocumentNode<{ uploadImage: Record<string, unknown> }, { file: File; checksum: string; collectionId: string }> = gql`
  mutation Upload($file: Upload!, $checksum: String!, $collectionId: ID!) {
    uploadImage(file: $file, checksum: $checksum, collectionId: $collectionId) {
      __typename
      ... on Image { id status }
      ... on Error { code message }
      ... on QuotaExceededError { limit resetsAt }
    }
  }
`;

describe('Apollo Client', () => {
  it('gets mutation failures as typed union members, matched through the Error interface', async () => {
    const client = apollo();
    const email = `apollo-${Date.now()}@example.com`;
    const created = await client.mutate({ mutation: SignUpDocument, variables: { email, password: 'long enough' } });
    expect(created.data?.signUp).toMatchObject({ __typename: 'AuthPayload', user: { email } });
    const taken = await client.mutate({ mutation: SignUpDocument, variables: { email, password: 'long enough' } });
    expect(taken.data?.signUp).toEqual({ __typename: 'ConflictError', code: 'EMAIL_TAKEN', message: expect.any(String) });
    const weak = await client.mutate({ mutation: SignUpDocument, variables: { email: `x${email}`, password: 'short' } });
    expect(weak.data?.signUp).toEqual({ __typename: 'ValidationError', code: 'WEAK_PASSWORD', field: 'password', message: expect.any(String) });
    const wrong = await client.mutate({ mutation: LogInDocument, variables: { email, password: 'not the password' } });
    expect(wrong.data?.logIn).toEqual({ __typename: 'AppError', code: 'INVALID_CREDENTIALS', message: 'Invalid email or password' });
  });

  it('uploads with UploadHttpLink, then gets QuotaExceededError with its limit and reset time', async () => {
    const client = apollo(alice.cookie);
    const col = await client.mutate({ mutation: CreateCollectionDocument, variables: { name: 'Apollo' } });
    const collectionId = (col.data?.createCollection as { id: string }).id;
    const bytes = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#c33' } }).jpeg().toBuffer();
    const file = new File([new Uint8Array(bytes)], 'red.jpg', { type: 'image/jpeg' });
    const first = await client.mutate({ mutation: UploadImage, variables: { file, checksum: sha256(bytes), collectionId } });
    expect(first.data?.uploadImage).toMatchObject({ __typename: 'Image', id: expect.stringMatching(/^img_/), status: 'PROCESSING' });
    // other bytes: the same ones again would be the same image, for free (contract §7)
    const other = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3c3' } }).jpeg().toBuffer();
    const otherFile = new File([new Uint8Array(other)], 'green.jpg', { type: 'image/jpeg' });
    const second = await client.mutate({ mutation: UploadImage, variables: { file: otherFile, checksum: sha256(other), collectionId } });
    const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)).toISOString();
    expect(second.data?.uploadImage).toEqual({ __typename: 'QuotaExceededError', code: 'QUOTA_EXCEEDED', message: expect.stringContaining('quota'), limit: 1, resetsAt: nextMonth });
  });

  it('loads nodes by their REST ids (only the viewer’s) and keeps them normalized by id', async () => {
    const client = apollo(alice.cookie);
    const col = (await client.mutate({ mutation: CreateCollectionDocument, variables: { name: 'Holidays' } })).data?.createCollection as { id: string };
    const key = (await client.mutate({ mutation: CreateApiKeyDocument, variables: { name: 'ci' } })).data?.createApiKey as { id: string };
    const bobs = (await bob.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Not yours' })).body.id;

    const node = await client.query({ query: NodeDocument, variables: { id: col.id } });
    expect(node.data?.node).toEqual({ __typename: 'Collection', id: col.id, name: 'Holidays' });
    expect((await client.query({ query: NodeDocument, variables: { id: key.id } })).data?.node).toEqual({ __typename: 'ApiKey', id: key.id, name: 'ci', prefix: expect.stringMatching(/^opt_live_/) });
    expect((await client.query({ query: NodeDocument, variables: { id: bobs } })).data?.node).toBeNull();

    const ids = [col.id, key.id, bobs, 'img_doesnotexist0000000', 'not-an-id', col.id];
    const nodes = await client.query({ query: NodesDocument, variables: { ids } });
    expect(nodes.data?.nodes.map((n) => n && `${n.__typename}:${n.id}`)).toEqual([`Collection:${col.id}`, `ApiKey:${key.id}`, null, null, null, `Collection:${col.id}`]);

    // the rename's result lands on the cached Collection:<id>; the node query reads it with no request
    await client.mutate({ mutation: RenameCollectionDocument, variables: { id: col.id, name: 'Summer' } });
    expect(client.readQuery({ query: NodeDocument, variables: { id: col.id } })?.node).toMatchObject({ id: col.id, name: 'Summer' });
    expect(client.cache.identify({ __typename: 'Collection', id: col.id })).toBe(`Collection:${col.id}`);
  });

  it('not signed in: an UNAUTHENTICATED GraphQL error, with partial data under errorPolicy all', async () => {
    const client = apollo();
    const failed = await client.query({ query: MeDocument, fetchPolicy: 'network-only' }).catch((err: unknown) => err);
    expect(CombinedGraphQLErrors.is(failed)).toBe(true);
    expect((failed as CombinedGraphQLErrors).errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const partial = await client.query({ query: MeDocument, fetchPolicy: 'network-only', errorPolicy: 'all' });
    expect(partial.data).toEqual({ me: null });
    expect(CombinedGraphQLErrors.is(partial.error) && partial.error.errors[0]?.path).toEqual(['me']);
  });
});
