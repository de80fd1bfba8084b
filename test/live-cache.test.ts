/**
 * Normalized client caches follow an image from upload to READY on the `imageStatus` subscription
 * alone: each event carries `image`, which Apollo's InMemoryCache and urql's graphcache store under
 * Image:<id>, so the image a page shows moves through its steps and gets its variants and delivery
 * URLs with no refetch. Both clients set up as their READMEs say (Apollo: UploadHttpLink and
 * GraphQLWsLink behind split; urql: graphcache, fetchExchange, subscriptionExchange over graphql-ws).
 */
import { readFileSync } from 'node:fs';
import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { cacheExchange as graphcache } from '@urql/exchange-graphcache';
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from '@urql/core';
import UploadHttpLink from 'apollo-upload-client/UploadHttpLink.mjs';
import { buildSchema, introspectionFromSchema, print } from 'graphql';
import { expect } from 'vitest';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { ImageEventsDocument, LiveImageByIdDocument, LiveImageFragmentDoc, UploadImageDocument, WatchImageDocument, type LiveImageFragment } from './generated/graphql.ts';
import introspection from './generated/possible-types.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { restUpload, sha256, waitForImage } from './support/upload.ts';
import { collect, wsClient } from './support/ws.ts';

const test = appTest();

/** Every HTTP request a client makes, by operation name: the upload must be the only one. */
function countingFetch(requests: string[]): typeof fetch {
  return (input, init) => {
    const body = init?.body;
    const operations = body instanceof FormData ? String(body.get('operations')) : String(body ?? '');
    requests.push(/"operationName":"(\w+)"/.exec(operations)?.[1] ?? /(?:query|mutation) (\w+)/.exec(operations)?.[1] ?? 'unknown');
    return fetch(input, init);
  };
}

/** What the cache showed for the image, each time it changed, until it was READY. */
function expectFollowedToReady(states: LiveImageFragment[], baseUrl: string, collection: string, slug: string) {
  expect(states[0]).toMatchObject({ status: 'PROCESSING', src: null, srcset: null, variants: [] });
  // each event carries the image as it is when the event is sent, so it only ever moves forward
  const progress = states.map((s) => s.progress);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  const ready = states.at(-1)!;
  expect(ready).toMatchObject({ status: 'READY', step: 'ACTIVATE', progress: 100, error: null, src: `${baseUrl}/${collection}/768/${slug}.webp` });
  expect(ready.variants.map((v) => v.size)).toEqual([...VARIANT_SIZES]);
  expect(ready.srcset).toBe(VARIANT_SIZES.slice(1).map((size) => `${baseUrl}/${collection}/${size}/${slug}.webp ${size}w`).join(', '));
}

const photo = () => cameraPhoto({ width: 1600, height: 1200, seed: 7 });

test('Apollo Client: the cached Image follows the subscription to READY, variants and srcset included, with no refetch', async ({ app, alice, collection }) => {
  const requests: string[] = [];
  const http = new UploadHttpLink({ uri: `${app.url}/graphql`, headers: { 'apollo-require-preflight': 'true', cookie: alice.cookie! }, fetch: countingFetch(requests) });
  const ws = wsClient(app.url, { cookie: alice.cookie });
  const client = new ApolloClient({
    link: ApolloLink.split(({ query }) => isSubscriptionOperation(query), new GraphQLWsLink(ws), http),
    cache: new InMemoryCache({
      possibleTypes: introspection.possibleTypes,
      // image(id) reads the normalized Image:<id>, wherever it was written from
      typePolicies: { Query: { fields: { image: { read: (_existing, { args, toReference }) => toReference({ __typename: 'Image', id: String(args?.id) }) } } } },
    }),
  });
  await app.processing!.pause(); // steps start only once the subscription is in place
  const bytes = await photo();
  const file = new File([new Uint8Array(bytes)], 'Harbour at dusk.jpg', { type: 'image/jpeg' });
  const uploaded = (await client.mutate({ mutation: UploadImageDocument, variables: { file, checksum: sha256(bytes), collectionId: collection } })).data?.uploadImage;
  if (uploaded?.__typename !== 'Image') throw new Error(`upload refused: ${JSON.stringify(uploaded)}`);

  const states: LiveImageFragment[] = [];
  const ready = new Promise<void>((resolve) => {
    client.watchFragment({ fragment: LiveImageFragmentDoc, from: { __typename: 'Image', id: uploaded.id } }).subscribe((result) => {
      if (!result.complete) return; // until the first event, the cache holds only what the upload selected
      states.push(result.data);
      if (result.data.status === 'READY') resolve();
    });
  });
  const subscription = client.subscribe({ query: WatchImageDocument, variables: { id: uploaded.id } }).subscribe({
    next: () => void app.processing!.resume(),
  });
  await ready;
  subscription.unsubscribe();

  expectFollowedToReady(states, `${app.url}/cdn`, collection, 'harbour-at-dusk');
  // the page's query for the image is answered from the cache
  const cached = await client.query({ query: LiveImageByIdDocument, variables: { id: uploaded.id }, fetchPolicy: 'cache-only' });
  expect(cached.data?.image).toEqual(states.at(-1));
  expect(requests).toEqual(['UploadImage']);
  client.stop();
  await ws.dispose();
});

test('urql with graphcache: the same over graphql-ws, the upload through urql’s own multipart support', async ({ app, alice, collection }) => {
  const requests: string[] = [];
  const ws = wsClient(app.url, { cookie: alice.cookie });
  const schema = introspectionFromSchema(buildSchema(readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8')));
  const client = new UrqlClient({
    url: `${app.url}/graphql`,
    fetch: countingFetch(requests),
    fetchOptions: { headers: { cookie: alice.cookie!, 'x-graphql-yoga-csrf': '1' } },
    exchanges: [
      graphcache({
        schema,
        // variants have no id of their own: they live inside their Image
        keys: { ImageVariant: () => null },
        resolvers: { Query: { image: (_parent, args) => ({ __typename: 'Image', id: String(args.id) }) } },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }) };
        },
      }),
    ],
  });
  await app.processing!.pause();
  const bytes = await photo();
  const file = new File([new Uint8Array(bytes)], 'Quay in fog.jpg', { type: 'image/jpeg' });
  const uploaded = (await client.mutation(UploadImageDocument, { file, checksum: sha256(bytes), collectionId: collection }).toPromise()).data?.uploadImage;
  if (uploaded?.__typename !== 'Image') throw new Error(`upload refused: ${JSON.stringify(uploaded)}`);

  const states: LiveImageFragment[] = [];
  let watching: { unsubscribe(): void } | undefined;
  const ready = new Promise<void>((resolve) => {
    watching = client.query(LiveImageByIdDocument, { id: uploaded.id }, { requestPolicy: 'cache-only' }).subscribe((result) => {
      const image = result.data?.image;
      if (!image || result.stale) return;
      if (JSON.stringify(states.at(-1)) !== JSON.stringify(image)) states.push(image);
      if (image.status === 'READY') resolve();
    });
  });
  const subscription = client.subscription(WatchImageDocument, { id: uploaded.id }).subscribe(() => void app.processing!.resume());
  await ready;
  subscription.unsubscribe();
  watching?.unsubscribe();

  expectFollowedToReady(states, `${app.url}/cdn`, collection, 'quay-in-fog');
  expect(requests).toEqual(['UploadImage']);
  await ws.dispose();
});

test('imageEvents carries each image too, READY with its src once processed, its collection counted as of each event', async ({ app, alice, collection }) => {
  const listening = app.events.subscriberCount();
  const ws = wsClient(app.url, { cookie: alice.cookie });
  type Event = { id: string; progress: number; image: { id: string; status: string; progress: number; src: string | null; collection: { id: string; imageCount: number } } };
  const sub = collect<Event>(ws, print(ImageEventsDocument), { collectionId: collection }, 'imageEvents');
  await expect.poll(() => app.events.subscriberCount()).toBe(listening + 1);
  const ids: string[] = [];
  for (const slug of ['pier', 'jetty']) {
    ids.push((await restUpload(alice, await photo(), { collection, slug })).body.id);
    await waitForImage(alice, ids.at(-1)!);
  }
  const readyOf = (id: string) => sub.events.find((e) => e.id === id && e.image.status === 'READY')?.image;
  await expect.poll(() => readyOf(ids[1]!)).toBeDefined();
  expect(readyOf(ids[0]!)).toEqual({ id: ids[0], status: 'READY', progress: 100, src: `${app.url}/cdn/${collection}/768/pier.webp`, collection: { id: collection, imageCount: 1 } });
  // a subscription lives long: what an event shows is read for that event, not kept from an earlier one
  expect(readyOf(ids[1]!)).toMatchObject({ src: `${app.url}/cdn/${collection}/768/jetty.webp`, collection: { imageCount: 2 } });
  expect(sub.events.every((e) => e.image.id === e.id && e.image.progress >= e.progress)).toBe(true);
  sub.unsubscribe();
  await ws.dispose();
});

test('an image deleted while processing ends FAILED in the cache, even when its row is gone before the event is read', async ({ app, alice, collection }) => {
  await app.processing!.pause();
  const id = (await restUpload(alice, await photo(), { collection, slug: 'gone' })).body.id;
  const ws = wsClient(app.url, { cookie: alice.cookie });
  const sub = collect<{ status: string; image: LiveImageFragment }>(ws, print(WatchImageDocument), { id }, 'imageStatus');
  await expect.poll(() => sub.events.length).toBe(1);
  // the order a purge and the event's read can take: the row goes first, then the event arrives
  const [[owner]] = (await app.dataSource.query('DELETE FROM images WHERE id = $1 RETURNING user_id, collection_id', [id])) as [{ user_id: string; collection_id: string }[], number];
  await app.events.publish({ imageId: id, userId: owner!.user_id, collectionId: owner!.collection_id, status: 'deleted', step: 'VALIDATE', progress: 0, error: 'Image deleted', at: new Date().toISOString() });
  await sub.done;
  expect(sub.events.at(-1)).toMatchObject({ status: 'FAILED', image: { status: 'FAILED', error: 'Image deleted', src: null, variants: [] } });
  await ws.dispose();
  await app.processing!.resume();
});
