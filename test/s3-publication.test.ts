/**
 * No public object before `ready`, even while publishing is retried: with every copy to one size
 * failing at the S3 endpoint (a fault proxy in front of s3rver), a poller fetches all 12 public URLs
 * straight from the bucket through the failed attempts and the waits for their retries. While the
 * job waits for a retry (pg-boss state `retry`, read before and after each poll) none may answer: a
 * failed attempt has withdrawn what it published. Within an attempt each publication burst's copies
 * are single requests (asserted: no retry inside the store), and a failed burst is withdrawn before
 * the next (test/s3-publication-burst.test.ts checks that window): what a burst makes public before
 * it fails is reported, not asserted. Once the fault clears, the image ends ready with all 12 answering.
 */
import { describe, expect } from 'vitest';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { s3AppEnv, startFaultProxy, startS3 } from './support/s3.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const s3 = await startS3();
const proxy = await startFaultProxy(s3.endpoint);
const test = appTest(s3AppEnv(s3, proxy.endpoint));

describe('publication on S3', () => {
  test('copies failing for one size: no URL answers during two failed publications; ready and complete afterwards', async ({ app, alice, collection, onTestFinished }) => {
    onTestFinished(async () => {
      await proxy.close();
      await s3.close();
    });
    const urls = VARIANT_SIZES.map((size) => `${s3.endpoint}/${s3.bucket}/${collection}/${size}/partial.webp`);
    // every write to the 768 key (a CopyObject is a PUT with x-amz-copy-source) answers 500
    proxy.setRules({ failFirstAttempts: 1e9, failWith: 500, match: (req) => req.method === 'PUT' && (req.url ?? '').includes('/768/partial.webp') });
    const up = await restUpload(alice, await cameraPhoto({ width: 1600, height: 1200 }), { collection, slug: 'partial' });
    expect(up.status).toBe(201);

    const jobState = async () => (await app.dataSource.query(`SELECT state, retry_count FROM pgboss.job WHERE name = 'process-image' AND data->>'imageId' = $1`, [up.body.id]))[0] as { state: string; retry_count: number } | undefined;
    let polls = 0;
    let waitingPolls = 0;
    const visibleWhileWaiting: string[] = [];
    let visibleInAttempt = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const before = await jobState();
        const statuses = await Promise.all(urls.map(async (url) => (await fetch(url)).status));
        const after = await jobState();
        const waiting = before?.state === 'retry' && after?.state === 'retry' && before.retry_count === after.retry_count;
        const shown = urls.filter((_, i) => statuses[i] === 200);
        if (waiting) {
          waitingPolls++;
          visibleWhileWaiting.push(...shown.map((u) => `${u} (waiting for retry ${after!.retry_count})`));
        } else if (shown.length) visibleInAttempt++;
        polls++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // two attempts have published part of the image and failed on the 768 copy
    await expect.poll(async () => (await jobState())?.retry_count ?? 0, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await jobState())?.state, { timeout: 30_000, interval: 50 }).toBe('retry');
    await new Promise((r) => setTimeout(r, 300)); // poll the wait for the next retry a while
    polling = false;
    await poller;
    expect((await alice.json<{ status: string }>('GET', `/api/v1/images/${up.body.id}`)).body.status).toBe('processing');
    expect(proxy.requests.filter((r) => r.outcome === 500).length).toBeGreaterThan(2);
    const attempts = proxy.attemptsByInvocation();
    for (const r of proxy.requests.filter((q) => q.outcome === 500)) expect(attempts.get(r.invocationId!), 'a failed copy retried inside the store').toBe(1);
    expect(waitingPolls).toBeGreaterThan(5);
    expect(visibleWhileWaiting).toEqual([]);
    for (const url of urls) expect((await fetch(url)).status, url).not.toBe(200);
    console.log(`partial publication: ${polls} polls, ${waitingPolls} while waiting for a retry (0 visible), ${visibleInAttempt} during attempts with some copy visible`);

    proxy.setRules({});
    expect((await waitForImage(alice, up.body.id, 60_000)).status).toBe('ready');
    for (const url of urls) expect((await fetch(url)).status, url).toBe(200);
  });
});
