/** Graceful shutdown with live WebSocket subscribers: they get a clean close and close() returns. */
import { expect, it } from 'vitest';
import { startTestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { collect, wsClient } from './support/ws.ts';

it('closes subscribers with 1001 and finishes shutting down', async () => {
  const app = await startTestApp();
  const c = new Client(app.url);
  await c.signUp();
  const col = (await c.json<{ id: string }>('POST', '/api/v1/collections', { name: 'x' })).body.id;
  const client = wsClient(app.url, { cookie: c.cookie });
  const sub = collect(client, `subscription($c: ID!) { imageEvents(collectionId: $c) { id } }`, { c: col }, 'imageEvents');
  await expect.poll(() => app.events.subscriberCount()).toBe(1);
  await app.close();
  const err = (await sub.error) as { code?: number };
  expect(err.code).toBe(1001);
  await client.dispose();
});
