/**
 * Webhooks against real receivers on loopback (WEBHOOK_ALLOW_PRIVATE=on, as only loopback exists
 * here): signed deliveries, retries on the contract's schedule with every attempt in the delivery
 * log, a re-send by hand, and an event that survives a server restart while its receiver is down.
 */
import { describe, expect } from 'vitest';
import { CreateWebhookDocument, DeleteWebhookDocument, NodeDocument, WebhooksDocument } from './generated/graphql.ts';
import { invalidFiles } from './support/images.ts';
import { cameraPhoto, appTest } from './support/fixtures.ts';
import type { Client } from './support/http.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { deliveryLog, register, verify } from './support/webhooks.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const test = appTest({ WEBHOOK_ALLOW_PRIVATE: 'on' });

async function uploadReady(client: Client, collection: string, slug: string) {
  const up = await restUpload(client, await cameraPhoto({ width: 1200, height: 800 }), { collection, slug });
  expect(up.status).toBe(201);
  expect((await waitForImage(client, up.body.id)).status).toBe('ready');
  return up.body.id;
}

const received = (receiver: Receiver, n: number, timeout = 60_000) => expect.poll(() => receiver.requests.length, { timeout, interval: 100 }).toBeGreaterThanOrEqual(n);

describe('webhooks', () => {
  test('a ready image is delivered once, as a signed JSON POST carrying the image as REST shows it; the secret is shown once', async ({ alice, collection }) => {
    const receiver = await startReceiver();
    try {
      const hook = await register(alice, receiver.url, ['image.ready']);
      expect(hook).toMatchObject({ id: expect.stringMatching(/^whk_/), url: receiver.url, events: ['image.ready'], secret: expect.stringMatching(/^whsec_/) });
      const listed = await alice.json<Record<string, unknown>[]>('GET', '/api/v1/webhooks');
      expect(listed.body.find((w) => w.id === hook.id)).toEqual({ id: hook.id, url: receiver.url, events: ['image.ready'], createdAt: expect.any(String) });

      const imageId = await uploadReady(alice, collection, 'signed');
      await received(receiver, 1);
      const [req] = receiver.requests;
      expect(req!.method).toBe('POST');
      expect(req!.headers['content-type']).toBe('application/json');
      const signature = String(req!.headers['optimage-signature']);
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verify(hook.secret, req!.body, signature)).toBe(true);
      expect(verify(hook.secret, req!.body + ' ', signature)).toBe(false);
      expect(verify('whsec_wrong', req!.body, signature)).toBe(false);

      const event = JSON.parse(req!.body) as { type: string; id: string; createdAt: string; data: { image: Record<string, unknown> } };
      expect(event).toMatchObject({ type: 'image.ready', id: expect.stringMatching(/^evt_/), createdAt: expect.stringMatching(/Z$/) });
      const { body: image } = await alice.json('GET', `/api/v1/images/${imageId}`);
      expect(event.data.image).toEqual(image);
      expect(req!.headers['optimage-event-id']).toBe(event.id);

      const log = await deliveryLog(alice, hook.id);
      expect(log).toEqual([expect.objectContaining({ eventId: event.id, event: 'image.ready', attempt: 1, statusCode: 200, error: null, nextRetryAt: null, deliveryStatus: 'delivered' })]);
    } finally {
      await receiver.close();
    }
  });

  test('a receiver answering 500 twice then 200 gets three attempts with growing gaps, all in the delivery log; a re-send by hand sends the same event again', async ({ alice, collection }) => {
    const receiver = await startReceiver((n) => (n <= 2 ? 500 : 200));
    try {
      const hook = await register(alice, receiver.url);
      await uploadReady(alice, collection, 'retried');
      await received(receiver, 3);
      const [first, second, third] = receiver.requests;
      const ids = receiver.requests.map((r) => (JSON.parse(r.body) as { id: string }).id);
      expect(new Set(ids).size).toBe(1);
      const gap1 = second!.at - first!.at;
      const gap2 = third!.at - second!.at;
      expect(gap2).toBeGreaterThan(gap1);
      // the contract's schedule: first retry within 10 s, the second within 60 s of the first attempt
      expect(gap1).toBeLessThan(10_000);
      expect(third!.at - first!.at).toBeLessThan(60_000);

      await expect.poll(async () => (await deliveryLog(alice, hook.id)).length).toBe(3);
      const log = await deliveryLog(alice, hook.id);
      expect(log.map((a) => [a.attempt, a.statusCode])).toEqual([
        [3, 200],
        [2, 500],
        [1, 500],
      ]);
      expect(log[2]!.error).toBe('HTTP 500: receiver says no');
      // each failed attempt names the retry that followed it
      expect(Date.parse(log[2]!.nextRetryAt!)).toBeLessThanOrEqual(Date.parse(log[1]!.attemptedAt));
      expect(Date.parse(log[1]!.nextRetryAt!)).toBeLessThanOrEqual(Date.parse(log[0]!.attemptedAt));
      expect(log[0]).toMatchObject({ nextRetryAt: null, deliveryStatus: 'delivered', manual: false });
      console.info(`delivery log with retries: ${JSON.stringify(log, null, 2)}`);

      const resend = await alice.json<{ id: string; eventId: string }>('POST', `/api/v1/webhooks/${hook.id}/deliveries/${log[0]!.deliveryId}/resend`);
      expect(resend.status).toBe(202);
      expect(resend.body).toMatchObject({ id: log[0]!.deliveryId, eventId: ids[0] });
      await received(receiver, 4);
      expect((JSON.parse(receiver.requests[3]!.body) as { id: string }).id).toBe(ids[0]);
      await expect.poll(async () => (await deliveryLog(alice, hook.id))[0]).toMatchObject({ attempt: 4, manual: true, statusCode: 200 });
    } finally {
      await receiver.close();
    }
  });

  test('a failed image sends image.failed to the webhooks that asked for it, and nothing to the others', async ({ alice, collection }) => {
    const failedOnly = await startReceiver();
    const readyOnly = await startReceiver();
    try {
      await register(alice, failedOnly.url, ['image.failed']);
      await register(alice, readyOnly.url, ['image.ready']);
      const up = await restUpload(alice, await invalidFiles.truncatedJpeg(), { collection, slug: 'broken' });
      expect((await waitForImage(alice, up.body.id)).status).toBe('failed');
      await received(failedOnly, 1);
      const event = JSON.parse(failedOnly.requests[0]!.body) as { type: string; data: { image: { id: string; status: string; error: string } } };
      expect(event).toMatchObject({ type: 'image.failed', data: { image: { id: up.body.id, status: 'failed', error: expect.stringMatching(/^Processing failed/) } } });
      expect(readyOnly.requests).toEqual([]);
    } finally {
      await failedOnly.close();
      await readyOnly.close();
    }
  });

  test('bad input gets 400/404 with a code; webhooks are private to their owner; deleting one stops its deliveries', async ({ alice, bob }) => {
    const bad = async (body: unknown, code: string) => {
      const res = await alice.json<{ code: string; message: string }>('POST', '/api/v1/webhooks', body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toMatchObject({ code, message: expect.any(String) });
    };
    await bad({ url: 'ftp://127.0.0.1/x', events: ['image.ready'] }, 'INVALID_WEBHOOK_URL');
    await bad({ url: 'not a url', events: ['image.ready'] }, 'INVALID_WEBHOOK_URL');
    await bad({ url: 'http://user:pw@127.0.0.1/x', events: ['image.ready'] }, 'INVALID_WEBHOOK_URL');
    await bad({ url: 'http://127.0.0.1/x', events: [] }, 'INVALID_WEBHOOK_EVENTS');
    await bad({ url: 'http://127.0.0.1/x', events: ['image.deleted'] }, 'INVALID_WEBHOOK_EVENTS');
    await bad({ events: ['image.ready'] }, 'INVALID_INPUT');

    const hook = await register(alice, 'http://127.0.0.1:9/nobody-home');
    expect((await bob.json('GET', `/api/v1/webhooks/${hook.id}`)).status).toBe(404);
    expect((await bob.json('GET', `/api/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);
    expect((await bob.json('DELETE', `/api/v1/webhooks/${hook.id}`)).status).toBe(404);
    expect((await alice.json('DELETE', `/api/v1/webhooks/${hook.id}`)).status).toBe(204);
    expect((await alice.json<{ code: string }>('GET', `/api/v1/webhooks/${hook.id}`)).body.code).toBe('WEBHOOK_NOT_FOUND');
  });

  test('GraphQL: createWebhook returns the secret once, webhooks lists them with their log, node finds one, deleteWebhook removes it', async ({ bob }) => {
    const created = await bob.gql(CreateWebhookDocument, { url: 'http://127.0.0.1:9/graphql-hook', events: ['IMAGE_READY', 'IMAGE_FAILED'] });
    const payload = created.data!.createWebhook;
    if (payload.__typename !== 'NewWebhook') throw new Error(`expected NewWebhook, got ${JSON.stringify(payload)}`);
    expect(payload).toMatchObject({ secret: expect.stringMatching(/^whsec_/), webhook: { id: expect.stringMatching(/^whk_/), events: ['IMAGE_READY', 'IMAGE_FAILED'] } });
    const listed = await bob.gql(WebhooksDocument, {});
    expect(listed.data!.webhooks).toEqual([expect.objectContaining({ id: payload.webhook.id, url: 'http://127.0.0.1:9/graphql-hook', attempts: [] })]);
    const node = await bob.gql(NodeDocument, { id: payload.webhook.id });
    expect(node.data!.node).toMatchObject({ __typename: 'Webhook', id: payload.webhook.id });

    const bad = await bob.gql(CreateWebhookDocument, { url: 'gopher://127.0.0.1/', events: ['IMAGE_READY'] });
    expect(bad.data!.createWebhook).toMatchObject({ __typename: 'ValidationError', code: 'INVALID_WEBHOOK_URL', field: 'url' });
    expect((await bob.gql(DeleteWebhookDocument, { id: payload.webhook.id })).data!.deleteWebhook).toEqual({ __typename: 'Deleted', id: payload.webhook.id });
    expect((await bob.gql(DeleteWebhookDocument, { id: payload.webhook.id })).data!.deleteWebhook).toMatchObject({ __typename: 'NotFoundError', code: 'WEBHOOK_NOT_FOUND' });
  });
});
