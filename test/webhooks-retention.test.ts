/**
 * The webhook delivery log's retention (WEBHOOK_LOG_DAYS): real deliveries to real receivers, aged
 * by moving their timestamps back in SQL; the processing node's periodic prune removes a settled
 * delivery older than the window with its attempts, and keeps recent ones, one re-sent by hand
 * inside the window, and a pending one whatever its age.
 */
import { describe, expect } from 'vitest';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import type { Client } from './support/http.ts';
import { startReceiver } from './support/receiver.ts';
import { restUpload, waitForImage } from './support/upload.ts';
import { deliveryLog, register } from './support/webhooks.ts';

const test = appTest({ WEBHOOK_ALLOW_PRIVATE: 'on', WEBHOOK_LOG_DAYS: '30', WEBHOOK_LOG_PRUNE_SECONDS: '1' });

describe('webhook delivery log retention', () => {
  test('a settled delivery older than WEBHOOK_LOG_DAYS goes with its attempts; recent, re-sent and pending ones stay', async ({ app, alice, bob, collection }) => {
    const ok = await startReceiver();
    const down = await startReceiver(() => 503);
    try {
      const aliceHook = await register(alice, ok.url, ['image.ready']);
      await register(bob, down.url, ['image.ready']);
      const bobCollection = (await bob.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Down' })).body.id;
      const photo = await cameraPhoto({ width: 1200, height: 800 });
      const sql = (text: string, values: unknown[] = []) => app.dataSource.query(text, values);
      const deliveryOf = async (client: Client, collectionId: string, slug: string, status: string) => {
        const up = await restUpload(client, photo, { collection: collectionId, slug });
        expect((await waitForImage(client, up.body.id)).status).toBe('ready');
        await expect.poll(async () => (await sql(`SELECT status FROM webhook_deliveries WHERE body LIKE $1`, [`%"id":"${up.body.id}"%`]))[0]?.status, { timeout: 30_000, interval: 100 }).toBe(status);
        return ((await sql(`SELECT id FROM webhook_deliveries WHERE body LIKE $1`, [`%"id":"${up.body.id}"%`])) as { id: string }[])[0]!.id;
      };
      const old = await deliveryOf(alice, collection, 'old', 'delivered');
      const recent = await deliveryOf(alice, collection, 'recent', 'delivered');
      const resent = await deliveryOf(alice, collection, 'resent', 'delivered');
      const pending = await deliveryOf(bob, bobCollection, 'pending', 'pending');

      // re-sent by hand today: its manual attempt is inside the window
      expect((await alice.json('POST', `/api/v1/webhooks/${aliceHook.id}/deliveries/${resent}/resend`)).status).toBe(202);
      await expect.poll(async () => (await sql('SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = $1', [resent]))[0].n, { timeout: 30_000 }).toBe(2);

      // 40 days back: the old, re-sent and pending deliveries with their automatic attempts, in one go
      const aged = [old, resent, pending];
      await app.dataSource.transaction(async (tx) => {
        await tx.query(`UPDATE webhook_deliveries SET created_at = created_at - interval '40 days' WHERE id = ANY($1)`, [aged]);
        await tx.query(`UPDATE webhook_attempts SET started_at = started_at - interval '40 days' WHERE delivery_id = ANY($1) AND NOT manual`, [aged]);
      });
      const attemptsBefore = Object.fromEntries(
        ((await sql('SELECT delivery_id, count(*)::int AS n FROM webhook_attempts WHERE delivery_id = ANY($1) GROUP BY delivery_id', [[old, recent, resent, pending]])) as { delivery_id: string; n: number }[]).map((r) => [r.delivery_id, r.n]),
      );
      expect(attemptsBefore[old]).toBe(1);

      await expect.poll(async () => (await sql('SELECT id FROM webhook_deliveries WHERE id = $1', [old])).length, { timeout: 20_000, interval: 200 }).toBe(0);
      expect(await sql('SELECT id FROM webhook_attempts WHERE delivery_id = $1', [old])).toEqual([]);
      const kept = ((await sql('SELECT id FROM webhook_deliveries WHERE id = ANY($1) ORDER BY id', [[recent, resent, pending]])) as { id: string }[]).map((r) => r.id);
      expect(kept).toEqual([recent, resent, pending].sort());
      // the kept ones keep every attempt (the pending one may have had more retries meanwhile)
      const attemptsAfter = (id: string) => sql('SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = $1', [id]).then((r: { n: number }[]) => r[0]!.n);
      expect(await attemptsAfter(recent)).toBe(attemptsBefore[recent]);
      expect(await attemptsAfter(resent)).toBe(2);
      // (a pending delivery whose first attempt had not started when the counts were taken has none)
      expect(await attemptsAfter(pending)).toBeGreaterThanOrEqual(attemptsBefore[pending] ?? 0);

      // the delivery log no longer lists the old event
      const log = await deliveryLog(alice, aliceHook.id);
      expect(new Set(log.map((a) => a.deliveryId))).toEqual(new Set([recent, resent]));
    } finally {
      await ok.close();
      await down.close();
    }
  });
});
