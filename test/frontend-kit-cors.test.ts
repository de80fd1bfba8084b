/**
 * What the kit needs from the server, over real HTTP: /cdn readable from any origin (preflight
 * included, without credentials), the API still closed to unlisted origins, and the REST Image's
 * `url` (Uppy's XHRUpload reads it) naming the full-size file from the first answer on.
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { appTest } from './support/fixtures.ts';
import { realPhotos } from './support/real-photos.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const test = appTest({ CORS_ORIGINS: 'https://app.example' });

test('an uploaded image: url from the start, its files readable by any origin, the API not', async ({ app, alice, collection }) => {
  const photo = realPhotos('photo').find((p) => p.name === 'Picture_1A_by_freespace.jpg')!;
  const { status, body } = await restUpload(alice, await readFile(photo.path), { collection, slug: 'brushes' });
  expect(status).toBe(201);
  const full = `${app.url}/cdn/${collection}/0/brushes.webp`;
  expect(body).toMatchObject({ status: 'processing', url: full });
  const ready = await waitForImage(alice, body.id, 120_000);
  expect(ready).toMatchObject({ status: 'ready', url: full });

  const elsewhere = 'https://elsewhere.example';
  const get = await fetch(`${app.url}/cdn/${collection}/512/brushes.webp`, { headers: { Origin: elsewhere } });
  expect(get.status).toBe(200);
  expect(get.headers.get('access-control-allow-origin')).toBe('*');
  expect(get.headers.get('access-control-allow-credentials')).toBeNull();
  expect(get.headers.get('access-control-expose-headers')).toContain('ETag');

  const preflight = await fetch(`${app.url}/cdn/${collection}/512/brushes.webp`, { method: 'OPTIONS', headers: { Origin: elsewhere, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' } });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
  expect(preflight.headers.get('access-control-allow-headers')).toBe('range');

  // a missing file answers 404 that the page can read, rather than a CORS failure
  const missing = await fetch(`${app.url}/cdn/${collection}/512/nothing.webp`, { headers: { Origin: elsewhere } });
  expect(missing.status).toBe(404);
  expect(missing.headers.get('access-control-allow-origin')).toBe('*');

  // the API keeps its rules: unlisted origins are refused, listed ones get credentials
  const api = await fetch(`${app.url}/api/v1/images`, { method: 'OPTIONS', headers: { Origin: elsewhere, 'Access-Control-Request-Method': 'POST' } });
  expect(api.status).toBe(403);
  const listed = await fetch(`${app.url}/api/v1/uploads`, { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'tus-resumable, upload-offset, content-type, authorization' } });
  expect(listed.status).toBe(204);
  expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example');
  expect(listed.headers.get('access-control-allow-methods')).toContain('PATCH');
});
