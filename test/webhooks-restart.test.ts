/**
 * Durability: an event whose receiver is down is kept in PostgreSQL across a server restart, and
 * the restarted server delivers it once the receiver is back.
 */
import { expect, it } from 'vitest';
import { cameraPhoto } from './support/fixtures.ts';
import { createTestDatabase, dropTestDatabase, startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { freePort, startReceiver, type Receiver } from './support/receiver.ts';
import { restUpload, waitForImage } from './support/upload.ts';
import { deliveryLog, register } from './support/webhooks.ts';

it('a receiver down during a server restart still gets the event afterwards', async () => {
  const databaseUrl = await createTestDatabase();
  const env = { DATABASE_URL: databaseUrl, WEBHOOK_ALLOW_PRIVATE: 'on' };
  let app: TestApp | null = await startTestApp(env);
  let receiver: Receiver | null = null;
  try {
    const port = await freePort();
    const alice = new Client(app.url);
    const account = await alice.signUp();
    const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Restart' })).body.id;
    const hook = await register(alice, `http://127.0.0.1:${port}/hook`, ['image.ready']);
    const up = await restUpload(alice, await cameraPhoto({ width: 800, height: 600 }), { collection, slug: 'survivor' });
    expect((await waitForImage(alice, up.body.id)).status).toBe('ready');
    await expect.poll(async () => (await deliveryLog(alice, hook.id)).length, { timeout: 20_000 }).toBe(1);
    const [refused] = await deliveryLog(alice, hook.id);
    expect(refused).toMatchObject({ statusCode: null, error: expect.stringMatching(/ECONNREFUSED/), nextRetryAt: expect.any(String) });

    await app.close();
    app = null;
    receiver = await startReceiver(() => 200, port);
    app = await startTestApp(env);
    const again = new Client(app.url);
    expect((await again.json('POST', '/api/v1/auth/login', { email: account.email, password: 'correct horse' })).status).toBe(200);

    await expect.poll(() => receiver!.requests.length, { timeout: 60_000, interval: 100 }).toBe(1);
    const event = JSON.parse(receiver.requests[0]!.body) as { id: string; type: string; data: { image: { id: string } } };
    expect(event).toMatchObject({ id: refused!.eventId, type: 'image.ready', data: { image: { id: up.body.id } } });
    await expect.poll(async () => (await deliveryLog(again, hook.id))[0]).toMatchObject({ attempt: 2, statusCode: 200, deliveryStatus: 'delivered' });
  } finally {
    await app?.close();
    await receiver?.close();
    await dropTestDatabase(databaseUrl);
  }
});
