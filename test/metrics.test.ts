/**
 * GET /metrics: the named series are there (Prometheus text format, prom-client), and they move
 * when an upload is accepted, refused, and processed; METRICS_TOKEN guards the endpoint.
 */
import { describe, expect } from 'vitest';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const TOKEN = 'metrics-token-for-the-test';
const test = appTest({ METRICS_TOKEN: TOKEN });

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample, e.g. value(text, 'optimage_uploads_total', { result: 'accepted' }); 0 when absent. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('/metrics', () => {
  test('needs the token when METRICS_TOKEN is set', async ({ app }) => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-same-size!' } })).status).toBe(401);
  });

  test('exposes the named series, and they move with uploads and processing', async ({ app, alice, collection }) => {
    const before = await scrape(app.url);
    for (const series of ['optimage_uploads_total', 'optimage_jobs', 'optimage_jobs_oldest_waiting_seconds', 'optimage_processing_step_seconds', 'optimage_pool_utilization', 'optimage_http_request_duration_seconds', 'optimage_event_bus_reconnects', 'optimage_process_resident_memory_bytes', 'optimage_nodejs_eventloop_lag_seconds']) {
      expect(before, series).toContain(`# TYPE ${series} `);
    }
    const photo = await cameraPhoto({ width: 1600, height: 1200 });
    const up = await restUpload(alice, photo, { collection });
    expect(up.status).toBe(201);
    expect((await restUpload(alice, photo, { collection, checksum: 'f'.repeat(64) })).status).toBe(400);
    await waitForImage(alice, up.body.id);
    // the job row completes just after the image is ready
    await expect.poll(async () => value(await scrape(app.url), 'optimage_jobs', { queue: 'process-image', state: 'completed' })).toBeGreaterThanOrEqual(1);
    const after = await scrape(app.url);

    expect(value(after, 'optimage_uploads_total', { result: 'accepted' })).toBe(value(before, 'optimage_uploads_total', { result: 'accepted' }) + 1);
    expect(value(after, 'optimage_uploads_total', { result: 'CHECKSUM_MISMATCH' })).toBe(value(before, 'optimage_uploads_total', { result: 'CHECKSUM_MISMATCH' }) + 1);
    for (const step of ['VALIDATE', 'CONVERT', 'RESIZE', 'OPTIMIZE', 'UPLOAD', 'ACTIVATE']) {
      expect(value(after, 'optimage_processing_step_seconds_count', { step }), step).toBe(value(before, 'optimage_processing_step_seconds_count', { step }) + 1);
    }
    expect(value(after, 'optimage_http_request_duration_seconds_count', { route: '/api/v1/images', method: 'POST', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(value(after, 'optimage_http_request_duration_seconds_count', { route: '/api/v1/images/:id', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    // labels name routes, never raw paths with ids
    expect(after).not.toMatch(/route="\/api\/v1\/images\/img_/);
    expect(value(after, 'optimage_pool_utilization')).toBeGreaterThan(0);
    if (process.env.METRICS_SAMPLE) console.log(after.split('\n').filter((l) => /^optimage_(uploads|jobs|processing_step_seconds_(sum|count)|pool|event_bus|http_request_duration_seconds_count)/.test(l)).join('\n'));
  });
});
