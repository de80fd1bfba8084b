/** Live status: imageStatus over graphql-ws and SSE, late subscribers, auth, origins, bus reconnects. */
import { print } from 'graphql';
import sharp from 'sharp';
import WebSocket from 'ws';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../src/http/websocket.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_STEPS } from '../src/modules/images/steps.ts';
import { ImageStatusDocument } from './generated/graphql.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { restUpload, waitForImage } from './support/upload.ts';
import { collect, wsClient } from './support/ws.ts';

const SUB = print(ImageStatusDocument);
type Ev = { id: string; status: string; step: string; progress: number; error: string | null };

let app: TestApp;
let alice: Client;
let bob: Client;
let collection: string;
let photo: Buffer;

beforeAll(async () => {
  app = await startTestApp();
  alice = new Client(app.url);
  bob = new Client(app.url);
  await alice.signUp();
  await bob.signUp();
  collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Live' })).body.id;
  photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 50 } } }).jpeg().toBuffer();
});
afterAll(async () => {
  await app?.close();
});

/** Holds the image in processing until released, so a subscriber is in place before any step. */
async function uploadPaused(client: Client, slug: string): Promise<{ id: string; release: () => Promise<void> }> {
  await app.processing!.pause();
  const up = await restUpload(client, photo, { collection, slug });
  return { id: up.body.id, release: () => app.processing!.resume() };
}

/** `spelling`: GraphQL's enum values, or REST's lowercase strings. */
function assertSequence(events: Ev[], id: string, spelling = { processing: 'PROCESSING', ready: 'READY' }) {
  expect(events.every((e) => e.id === id)).toBe(true);
  const progress = events.map((e) => e.progress);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  const steps = [...new Set(events.map((e) => e.step))];
  // every step appears, in pipeline order
  expect(steps).toEqual(PIPELINE_STEPS.filter((s) => steps.includes(s)));
  expect(steps).toEqual(expect.arrayContaining([...PIPELINE_STEPS]));
  expect(events.at(-1)).toMatchObject({ status: spelling.ready, step: 'ACTIVATE', progress: 100 });
  expect(events.slice(0, -1).every((e) => e.status === spelling.processing)).toBe(true);
}

describe('imageStatus over graphql-ws', () => {
  it('streams every step of a fresh upload with the session cookie, then completes', async () => {
    const { id, release } = await uploadPaused(alice, 'fresh');
    const client = wsClient(app.url, { cookie: alice.cookie });
    const sub = collect<Ev>(client, SUB, { id }, 'imageStatus');
    await expect.poll(() => sub.events.length).toBe(1); // subscribed: the current state came first
    await release();
    await sub.done;
    expect(sub.events[0]).toMatchObject({ id, status: 'PROCESSING' });
    assertSequence(sub.events, id);
    await client.dispose();
  });

  it('authenticates with an API key in connectionParams', async () => {
    const key = (await alice.json<{ key: string }>('POST', '/api/v1/api-keys', { name: 'ws' })).body.key;
    const up = await restUpload(alice, photo, { collection, slug: 'by-key' });
    const client = wsClient(app.url, { authorization: `Bearer ${key}` });
    const sub = collect<Ev>(client, SUB, { id: up.body.id }, 'imageStatus');
    await sub.done;
    expect(sub.events.at(-1)).toMatchObject({ status: 'READY', progress: 100 });
    // revoking the key ends the open socket's rights at its next operation
    const keyId = ((await alice.json<{ id: string }[]>('GET', '/api/v1/api-keys')).body)[0]!.id;
    expect((await alice.request('DELETE', `/api/v1/api-keys/${keyId}`)).status).toBe(204);
    const after = collect<Ev>(client, SUB, { id: up.body.id }, 'imageStatus');
    const err = (await after.error) as { code?: number } | { message: string }[];
    // either the operation's error or the socket's 4403 close reaches the client first
    expect(String(Array.isArray(err) ? err[0]!.message : (err as { code?: number }).code)).toMatch(/^4403$|revoked/);
    expect(after.events).toEqual([]);
    await client.dispose();
  });

  it('gives a late subscriber the final state at once, then completes', async () => {
    const up = await restUpload(alice, photo, { collection, slug: 'late' });
    await waitForImage(alice, up.body.id);
    const client = wsClient(app.url, { cookie: alice.cookie });
    const sub = collect<Ev>(client, SUB, { id: up.body.id }, 'imageStatus');
    await sub.done;
    expect(sub.events).toEqual([{ id: up.body.id, status: 'READY', step: 'ACTIVATE', progress: 100, error: null }]);
    await client.dispose();
  });

  it("refuses another user's image: an error and no events", async () => {
    const up = await restUpload(alice, photo, { collection, slug: 'private' });
    const client = wsClient(app.url, { cookie: bob.cookie });
    const sub = collect<Ev>(client, SUB, { id: up.body.id }, 'imageStatus');
    const err = await Promise.race([sub.error, sub.done.then(() => 'completed')]);
    expect(JSON.stringify(err)).toContain('IMAGE_NOT_FOUND');
    expect(sub.events).toEqual([]);
    await client.dispose();
  });

  it('refuses an unauthenticated socket (4403) and a cookie socket from a foreign origin (no upgrade)', async () => {
    const up = await restUpload(alice, photo, { collection, slug: 'anon' });
    const anon = wsClient(app.url, {});
    const sub = collect<Ev>(anon, SUB, { id: up.body.id }, 'imageStatus');
    expect(((await sub.error) as { code?: number }).code).toBe(4403);
    expect(sub.events).toEqual([]);
    await anon.dispose();
    // the upgrade itself is answered 403 (test/graphql-transports.test.ts): the socket never opens
    const foreign = wsClient(app.url, { cookie: alice.cookie, origin: 'https://evil.example.com' });
    const refused = collect<Ev>(foreign, SUB, { id: up.body.id }, 'imageStatus');
    expect(String(((await refused.error) as { message?: string }).message)).toMatch(/Unexpected server response: 403/);
    expect(refused.events).toEqual([]);
    await foreign.dispose();
  });
});

describe('WebSocket limits', () => {
  it('closes a socket that never sends connection_init (4408) ', async () => {
    const ws = new WebSocket(app.url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(4408);
  });

  it(`caps subscriptions per connection at ${MAX_SUBSCRIPTIONS_PER_CONNECTION}`, async () => {
    const base = app.events.subscriberCount();
    const client = wsClient(app.url, { cookie: alice.cookie });
    const q = `subscription($c: ID!) { imageEvents(collectionId: $c) { id } }`;
    const subs = Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, () => collect(client, q, { c: collection }, 'imageEvents'));
    const extra = collect(client, q, { c: collection }, 'imageEvents');
    expect(JSON.stringify(await extra.error)).toContain('TOO_MANY_SUBSCRIPTIONS');
    // closing one frees a place, and its bus listener goes at once (not at the next event)
    await expect.poll(() => app.events.subscriberCount()).toBe(base + MAX_SUBSCRIPTIONS_PER_CONNECTION);
    subs[0]!.unsubscribe();
    await expect.poll(() => app.events.subscriberCount()).toBe(base + MAX_SUBSCRIPTIONS_PER_CONNECTION - 1);
    await new Promise((r) => setTimeout(r, 100));
    const again = collect(client, q, { c: collection }, 'imageEvents');
    const outcome = await Promise.race([again.error, new Promise((r) => setTimeout(() => r('open'), 500))]);
    expect(outcome).toBe('open');
    await client.dispose();
  });
});

describe('imageStatus over SSE', () => {
  it('REST /api/v1/images/:id/events streams the same events as Server-Sent Events', async () => {
    const { id, release } = await uploadPaused(alice, 'sse');
    const res = await fetch(`${app.url}/api/v1/images/${id}/events`, { headers: { cookie: alice.cookie! } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await release();
    const text = await res.text();
    const events = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as Ev);
    assertSequence(events, id, { processing: 'processing', ready: 'ready' });
    expect((await fetch(`${app.url}/api/v1/images/${id}/events`, { headers: { cookie: bob.cookie! } })).status).toBe(404);
  });

  it('GraphQL subscriptions work over Yoga SSE too', async () => {
    const up = await restUpload(alice, photo, { collection, slug: 'gql-sse' });
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { cookie: alice.cookie!, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: SUB, variables: { id: up.body.id } }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    const events = text.split('\n').filter((l) => l.startsWith('data: ') && l.includes('imageStatus')).map((l) => (JSON.parse(l.slice(6)) as { data: { imageStatus: Ev } }).data.imageStatus);
    expect(events.at(-1)).toMatchObject({ status: 'READY', progress: 100 });
  });
});

describe('collection dashboards', () => {
  it('imageEvents streams status changes of every image in a collection', async () => {
    const listening = app.events.subscriberCount();
    const client = wsClient(app.url, { cookie: alice.cookie });
    const sub = collect<Ev & { collectionId: string }>(client, `subscription($c: ID!) { imageEvents(collectionId: $c) { id collectionId status step progress } }`, { c: collection }, 'imageEvents');
    await expect.poll(() => app.events.subscriberCount()).toBe(listening + 1);
    const a = await restUpload(alice, photo, { collection, slug: 'dash-a' });
    const b = await restUpload(alice, photo, { collection, slug: 'dash-b' });
    await waitForImage(alice, a.body.id);
    await waitForImage(alice, b.body.id);
    for (const id of [a.body.id, b.body.id]) {
      await expect.poll(() => sub.events.filter((e) => e.id === id).at(-1)).toMatchObject({ status: 'READY', collectionId: collection });
    }
    sub.unsubscribe();
    const other = wsClient(app.url, { cookie: bob.cookie });
    const denied = collect(other, `subscription($c: ID!) { imageEvents(collectionId: $c) { id } }`, { c: collection }, 'imageEvents');
    expect(JSON.stringify(await denied.error)).toContain('COLLECTION_NOT_FOUND');
    await client.dispose();
    await other.dispose();
  });
});

describe('status bus resilience', () => {
  it('subscribers still finish when the bus connection is killed mid-processing', async () => {
    const { id, release } = await uploadPaused(alice, 'bus-killed');
    const client = wsClient(app.url, { cookie: alice.cookie });
    const sub = collect<Ev>(client, SUB, { id }, 'imageStatus');
    await expect.poll(() => sub.events.length).toBe(1);
    const pid = await app.events.listenerPid();
    expect(pid).toBeTypeOf('number');
    await app.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    await release();
    await sub.done;
    expect(sub.events.at(-1)).toMatchObject({ status: 'READY', progress: 100 });
    // and the bus came back on a new connection
    await expect.poll(() => app.events.listenerPid(), { timeout: 5000 }).not.toBe(pid);
    await client.dispose();
  });
});
