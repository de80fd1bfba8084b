/**
 * Publication on S3 is one short burst of single-attempt copies, withdrawn on its first failure
 * before any retry or backoff (ImageProcessor.publish): the copy to one size fails twice at the S3
 * endpoint (a fault proxy in front of s3rver), the third burst succeeds and the image ends ready
 * without a job retry. Every request the app sends is logged with its arrival time; a poller fetches
 * the 12 public URLs straight from the bucket all along. Checked:
 * - no copy is retried inside the store (one attempt per SDK invocation);
 * - each failed burst is withdrawn (one DeleteObjects) before the next burst's first copy;
 * - between a withdrawal and the next burst nothing is public: a burst starts at least its backoff
 *   after the withdrawal completed, so every poll made within that backoff before the next burst's
 *   first copy must see no URL answer.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect } from 'vitest';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { s3AppEnv, startFaultProxy, startS3 } from './support/s3.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const s3 = await startS3();
const proxy = await startFaultProxy(s3.endpoint);
const test = appTest(s3AppEnv(s3, proxy.endpoint));

/** The processor's pause before its 2nd and 3rd bursts (PUBLISH_BACKOFF_MS doubling). */
const BACKOFFS_MS = [250, 500];

interface Arrival {
  at: number;
  kind: 'copy' | 'delete' | 'other';
  url: string;
  failed: boolean;
}
interface Poll {
  start: number;
  end: number;
  visible: number;
}

describe('publication bursts on S3', () => {
  test('a failing copy: each burst withdrawn before the next, nothing public between bursts, ready on the third', async ({ alice, collection, onTestFinished }) => {
    onTestFinished(async () => {
      await proxy.close();
      await s3.close();
    });
    const urls = VARIANT_SIZES.map((size) => `${s3.endpoint}/${s3.bucket}/${collection}/${size}/burst.webp`);
    const arrivals: Arrival[] = [];
    let failures = 0;
    const isCopy = (req: IncomingMessage) => req.method === 'PUT' && req.headers['x-amz-copy-source'] !== undefined;
    proxy.setRules({
      failFirstAttempts: 1e9,
      failWith: 500,
      // called once per request as it arrives: logs it, and fails the first two copies to the 768 key
      match: (req) => {
        const url = req.url ?? '';
        const kind = isCopy(req) ? 'copy' : req.method === 'POST' && url.includes('delete') ? 'delete' : 'other';
        const failed = kind === 'copy' && url.includes(`/${collection}/768/burst.webp`) && failures < 2;
        if (failed) failures++;
        arrivals.push({ at: performance.now(), kind, url, failed });
        return failed;
      },
    });

    const polls: Poll[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const start = performance.now();
        const statuses = await Promise.all(urls.map(async (url) => (await fetch(url)).status));
        polls.push({ start, end: performance.now(), visible: statuses.filter((s) => s === 200).length });
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const up = await restUpload(alice, await cameraPhoto({ width: 1600, height: 1200 }), { collection, slug: 'burst' });
    expect(up.status).toBe(201);
    const ready = await waitForImage(alice, up.body.id, 90_000);
    polling = false;
    await poller;
    expect(ready.status).toBe('ready');
    for (const url of urls) expect((await fetch(url)).status, url).toBe(200);

    // no retry inside the store: every copy invocation was one request
    const copyInvocations = new Set(proxy.requests.filter((r) => r.method === 'PUT' && r.headers['x-amz-copy-source']).map((r) => r.invocationId));
    const attempts = proxy.attemptsByInvocation();
    expect(copyInvocations.size).toBeGreaterThanOrEqual(3 * VARIANT_SIZES.length - 2);
    for (const id of copyInvocations) expect(attempts.get(id!), `copy invocation ${id}`).toBe(1);

    // three bursts: each failed one is followed by a withdrawal, then (after a backoff) the next burst
    const failedAt = arrivals.filter((a) => a.failed);
    expect(failedAt).toHaveLength(2);
    let checked = 0;
    let seenBetween = 0;
    for (const [i, failure] of failedAt.entries()) {
      const withdrawal = arrivals.find((a) => a.kind === 'delete' && a.at > failure.at);
      expect(withdrawal, `withdrawal after failure ${i + 1}`).toBeDefined();
      const nextBurst = arrivals.find((a) => a.kind === 'copy' && a.at > withdrawal!.at);
      expect(nextBurst, `burst ${i + 2}`).toBeDefined();
      // the failing key is not tried again before the withdrawal
      expect(arrivals.filter((a) => a.kind === 'copy' && a.url.includes('/768/') && a.at > failure.at && a.at < withdrawal!.at)).toEqual([]);
      expect(nextBurst!.at - withdrawal!.at).toBeGreaterThanOrEqual(BACKOFFS_MS[i]!);
      // polls wholly inside the backoff before the next burst: the withdrawal had completed
      const between = polls.filter((p) => p.start >= nextBurst!.at - BACKOFFS_MS[i]! && p.end < nextBurst!.at);
      checked += between.length;
      seenBetween += between.filter((p) => p.visible > 0).length;
    }
    const partial = polls.filter((p) => p.visible > 0 && p.visible < urls.length).length;
    console.log(`publication bursts: ${polls.length} polls, ${checked} between bursts (${seenBetween} saw a URL), ${partial} saw a partial set during a burst`);
    expect(checked).toBeGreaterThanOrEqual(3);
    expect(seenBetween).toBe(0);
  });
});
