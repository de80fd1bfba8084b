/**
 * The ways a frontend reaches /graphql, each with the ecosystem's own client used as its README
 * shows: urql over HTTP (GET queries with the CSRF header) and over graphql-ws, graphql-sse in both
 * of its modes, and the WebSocket upgrade's Origin check.
 */
import { cacheExchange, createClient as createUrqlClient, fetchExchange, gql, subscriptionExchange } from '@urql/core';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { restUpload, waitForImage } from './support/upload.ts';
import { wsClient } from './support/ws.ts';

const ALLOWED = 'https://app.example.com';
let app: TestApp;
let alice: Client;
let email: string;
let readyImage: string;
let collection: string;
let photo: Buffer;

beforeAll(async () => {
  app = await startTestApp({ CORS_ORIGINS: ALLOWED });
  alice = new Client(app.url);
  email = (await alice.signUp()).email;
  collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Transports' })).body.id;
  photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#345' } }).jpeg().toBuffer();
  readyImage = (await restUpload(alice, photo, { collection, slug: 'ready' })).body.id;
  await waitForImage(alice, readyImage);
});
afterAll(async () => {
  await app?.close();
});

/** What the server answers a raw WebSocket upgrade: the HTTP status, 101 when it upgraded. */
function upgradeStatus(origin: string | undefined): Promise<number> {
  const ws = new WebSocket(app.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws', { headers: origin ? { origin } : {} });
  return new Promise((resolve, reject) => {
    ws.on('upgrade', (res) => {
      resolve(res.statusCode ?? 0);
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

describe('WebSocket upgrade', () => {
  it('refuses a foreign Origin with 403 before upgrading; our own, an allowed one and none upgrade', async () => {
    expect(await upgradeStatus('https://evil.example.com')).toBe(403);
    expect(await upgradeStatus('null')).toBe(403);
    expect(await upgradeStatus(new URL(app.url).origin)).toBe(101);
    expect(await upgradeStatus(ALLOWED)).toBe(101);
    expect(await upgradeStatus(undefined)).toBe(101);
  });
});

describe('urql', () => {
  const Me = gql`query Me { me { email } }`;
  const CreateCollection = gql`mutation Create($name: String!) { createCollection(name: $name) { __typename ... on Collection { id name } ... on Error { code } } }`;

  it('queries over GET with the CSRF header in fetchOptions, and mutates over POST', async () => {
    const client = createUrqlClient({
      url: `${app.url}/graphql`,
      exchanges: [cacheExchange, fetchExchange],
      preferGetMethod: true,
      fetchOptions: { headers: { cookie: alice.cookie!, 'x-graphql-yoga-csrf': '1' } },
    });
    const me = await client.query(Me, {}).toPromise();
    expect(me.error).toBeUndefined();
    expect(me.data).toEqual({ me: { __typename: 'User', email } });
    const created = await client.mutation(CreateCollection, { name: 'From urql' }).toPromise();
    expect(created.data?.createCollection).toMatchObject({ __typename: 'Collection', name: 'From urql' });

    // without the header Yoga's CSRF rule refuses the GET: the header is not optional
    const bare = createUrqlClient({ url: `${app.url}/graphql`, exchanges: [fetchExchange], preferGetMethod: true, fetchOptions: { headers: { cookie: alice.cookie! } } });
    const refused = await bare.query(Me, {}).toPromise();
    expect(refused.error?.response?.status).toBe(403);
  });

  it('follows an image through processing over graphql-ws (subscriptionExchange)', async () => {
    // held in processing until the subscription is in place, so every step arrives live
    await app.processing!.pause();
    const id = (await restUpload(alice, photo, { collection, slug: 'urql-live' })).body.id;
    const ws = wsClient(app.url, { cookie: alice.cookie });
    const client = createUrqlClient({
      url: `${app.url}/graphql`,
      exchanges: [
        cacheExchange,
        fetchExchange,
        subscriptionExchange({
          forwardSubscription(request) {
            const input = { ...request, query: request.query || '' };
            return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }) };
          },
        }),
      ],
    });
    const events: { id: string; status: string; progress: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      const { unsubscribe } = client.subscription(gql`subscription S($id: ID!) { imageStatus(id: $id) { id status progress } }`, { id }).subscribe((result) => {
        if (result.error) reject(result.error);
        const event = result.data?.imageStatus;
        if (!event) return;
        events.push(event);
        if (events.length === 1) void app.processing!.resume();
        if (event.status === 'READY') {
          unsubscribe();
          resolve();
        }
      });
    });
    expect(events[0]).toMatchObject({ id, status: 'PROCESSING' });
    expect(events.at(-1)).toMatchObject({ id, status: 'READY', progress: 100 });
    expect(events.length).toBeGreaterThan(2);
    await ws.dispose();
  });
});

describe('graphql-sse', () => {
  const sseClient = (singleConnection: boolean, cookie: string | null): SseClient =>
    createSseClient({
      url: `${app.url}/graphql/stream`,
      singleConnection,
      headers: { 'x-graphql-yoga-csrf': '1', ...(cookie ? { cookie } : {}) },
      retryAttempts: 0,
    });

  it.each([true, false])('single connection mode %s: a subscription and a query, authenticated by the cookie', async (singleConnection) => {
    const client = sseClient(singleConnection, alice.cookie);
    const events: unknown[] = [];
    for await (const result of client.iterate({ query: 'subscription ($id: ID!) { imageStatus(id: $id) { id status step progress } }', variables: { id: readyImage } })) {
      events.push(result);
    }
    expect(events).toEqual([{ data: { imageStatus: { id: readyImage, status: 'READY', step: 'ACTIVATE', progress: 100 } } }]);
    const me: unknown[] = [];
    for await (const result of client.iterate({ query: '{ me { email } }' })) me.push(result);
    expect(me).toEqual([{ data: { me: { email } } }]);
    client.dispose();
  });

  it('not signed in: the same UNAUTHENTICATED GraphQL error as over HTTP', async () => {
    const client = sseClient(true, null);
    const results: unknown[] = [];
    for await (const result of client.iterate({ query: '{ me { email } }' })) results.push(result);
    expect(results).toEqual([{ data: { me: null }, errors: [expect.objectContaining({ path: ['me'], extensions: { code: 'UNAUTHENTICATED' } })] }]);
    client.dispose();
  });
});
