/**
 * Document limits (graphql-armor) hold over HTTP, graphql-ws and graphql-sse, with the defaults of
 * src/config.ts: a rejected document gets GraphQL errors and never starts executing (no `data`, and
 * the mutations inside create nothing). Introspection off hides the schema and field suggestions.
 */
import { getIntrospectionQuery } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { aliases, deepIntrospection, denseTokens, directives, fragmentSpreads, tokens } from './support/attacks.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { wsClient, wsOperation, type OperationResult } from './support/ws.ts';

const limits = loadConfig({}).graphql;

let app: TestApp;
let closed: TestApp;
let alice: Client;

beforeAll(async () => {
  [app, closed] = await Promise.all([startTestApp(), startTestApp({ GRAPHQL_INTROSPECTION: 'off' })]);
  alice = new Client(app.url);
  await alice.signUp();
});
afterAll(async () => {
  await Promise.all([app?.close(), closed?.close()]);
});

async function overHttp(client: Client, query: string): Promise<OperationResult & { status: number; body: Record<string, unknown> }> {
  // GraphQL over HTTP: with this media type a document that fails before execution is an HTTP 400
  const { status, body } = await client.json<Record<string, unknown>>('POST', '/graphql', { query }, { accept: 'application/graphql-response+json' });
  return { status, body, ...(body as OperationResult) };
}

const collectionsNamed = async (pattern: string) =>
  (await app.dataSource.query(`SELECT count(*)::int AS n FROM collections WHERE name LIKE $1`, [pattern]))[0].n as number;

/** Each abusive document, the limit that must refuse it, and the rows it would create if it ran. */
const ATTACKS = [
  { name: `a ${30}-level deep introspection query`, query: deepIntrospection(30), refusedBy: /Query depth limit of 15 exceeded, found 30/, creates: null },
  { name: '1,000 aliases (a 6,000-token mutation)', query: aliases(1000, 'mutation'), refusedBy: /Token limit of 2000 exceeded/, creates: 'alias %' },
  { name: '400 fragment spreads', query: fragmentSpreads(400), refusedBy: /Query Cost limit of 10000 exceeded/, creates: 'spread' },
  { name: 'a 15,000-token query', query: denseTokens(15_000), refusedBy: /Token limit of 2000 exceeded/, creates: null },
  { name: '51 directives', query: directives(51), refusedBy: /Directives limit of 50 exceeded, found 51/, creates: 'directives' },
  { name: '31 aliases', query: aliases(31, 'mutation'), refusedBy: /Aliases limit of 30 exceeded, found 31/, creates: 'alias %' },
];

describe('limits at their defaults', () => {
  it('are the documented values', () => {
    expect(limits).toEqual({ introspection: true, jit: true, maxDepth: 15, maxAliases: 30, maxTokens: 2000, maxDirectives: 50, maxCost: 10000 });
  });

  it.each(ATTACKS)('HTTP refuses $name before executing it', async ({ query, refusedBy, creates }) => {
    const res = await overHttp(alice, query);
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.message)).toEqual([expect.stringMatching(refusedBy)]);
    expect('data' in res.body).toBe(false);
    if (creates) expect(await collectionsNamed(creates)).toBe(0);
  });

  it.each(ATTACKS)('graphql-ws refuses $name before executing it', async ({ query, refusedBy, creates }) => {
    const client = wsClient(app.url, { cookie: alice.cookie });
    const res = await wsOperation(client, query);
    expect(res.errors?.map((e) => e.message)).toEqual([expect.stringMatching(refusedBy)]);
    expect(res.data).toBeUndefined();
    if (creates) expect(await collectionsNamed(creates)).toBe(0);
    await client.dispose();
  });

  it.each([true, false])('graphql-sse (single connection: %s) refuses them too', async (singleConnection) => {
    const client = createSseClient({ url: `${app.url}/graphql/stream`, singleConnection, headers: { cookie: alice.cookie!, 'x-graphql-yoga-csrf': '1' }, retryAttempts: 0 });
    for (const { query, refusedBy, creates } of ATTACKS) {
      const outcome = await new Promise<unknown>((resolve) => {
        let data: unknown;
        client.subscribe({ query }, { next: (msg) => (data = msg), error: resolve, complete: () => resolve(data) });
      });
      expect(JSON.stringify(outcome)).toMatch(refusedBy);
      expect((outcome as { data?: unknown }).data).toBeUndefined();
      if (creates) expect(await collectionsNamed(creates)).toBe(0);
    }
    client.dispose();
  });

  it('let real documents through: the full introspection query (GraphiQL, codegen), a 100-image page, limits exactly met', async () => {
    const introspection = await overHttp(alice, getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
    expect(introspection.errors).toBeUndefined();
    expect((introspection.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(20);
    const page = await overHttp(alice, `{ images(first: 100) { edges { cursor node { id slug status variants { size width url } } } pageInfo { hasNextPage endCursor } } }`);
    expect(page.errors).toBeUndefined();
    for (const query of [deepIntrospection(limits.maxDepth), aliases(limits.maxAliases), tokens(limits.maxTokens)]) {
      const res = await overHttp(alice, query);
      expect(res.errors, query.slice(0, 80)).toBeUndefined();
    }
    const fifty = await overHttp(alice, directives(limits.maxDirectives));
    expect(fifty.data).toEqual({ createCollection: expect.objectContaining({ __typename: 'Collection' }) });
  });
});

describe('GRAPHQL_INTROSPECTION=off', () => {
  it('refuses __schema and __type over HTTP and graphql-ws, and hides field suggestions', async () => {
    const bob = new Client(closed.url);
    await bob.signUp();
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Image") { fields { name } } }']) {
      const res = await overHttp(bob, query);
      expect(res.status).toBe(400);
      expect(res.errors?.[0]?.message).toMatch(/introspection has been disabled/);
      const ws = wsClient(closed.url, { cookie: bob.cookie });
      expect((await wsOperation(ws, query)).errors?.[0]?.message).toMatch(/introspection has been disabled/);
      await ws.dispose();
    }
    expect((await overHttp(bob, '{ __typename }')).data).toEqual({ __typename: 'Query' });

    const typo = '{ collectoins { id } }';
    const hidden = await overHttp(bob, typo);
    expect(hidden.errors?.[0]?.message).toMatch(/^Cannot query field "collectoins" on type "Query"\./);
    expect(hidden.errors?.[0]?.message).not.toContain('collections');
    // with introspection on, the suggestion is shown (it tells nothing introspection would not)
    expect((await overHttp(alice, typo)).errors?.[0]?.message).toContain('Did you mean "collections"');
  });
});
