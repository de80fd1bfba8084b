/**
 * Webhook targets with WEBHOOK_ALLOW_PRIVATE off. DNS is not reachable here, so the app gets a
 * stand-in resolver (the DNS answer is the stub, our code is not): `private.test` resolves to
 * 10.0.0.5, and `rebind.test` to a public address until it is re-pointed at loopback after
 * registration. Nothing here ever connects to a non-loopback address: refusals come before connecting.
 */
import { describe, expect } from 'vitest';
import type { ResolvedAddress } from '../src/modules/webhooks/webhook-address.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { startReceiver } from './support/receiver.ts';
import { restUpload, waitForImage } from './support/upload.ts';
import { deliveryLog } from './support/webhooks.ts';

const dns = new Map<string, ResolvedAddress[]>([
  ['private.test', [{ address: '10.0.0.5', family: 4 }]],
  ['localhost', [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }]],
  ['rebind.test', [{ address: '93.184.216.34', family: 4 }]],
]);
const lookup = async (hostname: string) => {
  const answer = dns.get(hostname);
  if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return answer;
};

const test = appTest({ WEBHOOK_ALLOW_PRIVATE: 'off' }, { lookup });

describe('webhook URLs on loopback, private or metadata addresses', () => {
  test.for([
    ['http://127.0.0.1/hook', /127\.0\.0\.1, loopback/],
    ['http://[::1]:8080/hook', /::1, loopback/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254, link-local \(cloud metadata\)/],
    ['http://0.0.0.0/hook', /0\.0\.0\.0, an unspecified address/],
    ['http://private.test/hook', /private\.test resolves to 10\.0\.0\.5, a private network/],
    ['http://localhost:3000/hook', /localhost resolves to 127\.0\.0\.1, loopback/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
  ] as const)('%s is refused at registration', async ([url, reason], { alice }) => {
    const res = await alice.json<{ code: string; message: string }>('POST', '/api/v1/webhooks', { url, events: ['image.ready'] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('WEBHOOK_URL_FORBIDDEN');
    expect(res.body.message).toMatch(reason);
  });

  test('a name that does not resolve is refused with its own code', async ({ alice }) => {
    const res = await alice.json<{ code: string; message: string }>('POST', '/api/v1/webhooks', { url: 'http://nowhere.test/hook', events: ['image.ready'] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_WEBHOOK_URL', message: expect.stringMatching(/does not resolve/) });
  });

  test('a name re-pointed at loopback after registration (DNS rebinding) is refused at delivery, and nothing connects', async ({ alice, collection }) => {
    const receiver = await startReceiver();
    try {
      const url = `http://rebind.test:${receiver.port}/hook`;
      const created = await alice.json<{ id: string }>('POST', '/api/v1/webhooks', { url, events: ['image.ready'] });
      expect(created.status).toBe(201);
      dns.set('rebind.test', [{ address: '127.0.0.1', family: 4 }]);

      const up = await restUpload(alice, await cameraPhoto({ width: 800, height: 600 }), { collection, slug: 'rebound' });
      expect((await waitForImage(alice, up.body.id)).status).toBe('ready');
      await expect.poll(async () => (await deliveryLog(alice, created.body.id)).length, { timeout: 20_000 }).toBeGreaterThan(0);
      const [attempt] = await deliveryLog(alice, created.body.id);
      expect(attempt).toMatchObject({ statusCode: null, deliveryStatus: 'pending', nextRetryAt: expect.any(String) });
      expect(attempt!.error).toMatch(/^refused: rebind\.test resolves to 127\.0\.0\.1, loopback/);
      expect(receiver.requests).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
