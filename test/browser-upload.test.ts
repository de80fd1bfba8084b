/**
 * A frontend's GraphQL upload, in a real browser: headless Chromium picks a multi-MB camera photo
 * from an <input type=file>, hashes it with Web Crypto and sends it with fetch + FormData as the
 * GraphQL multipart request spec, with the session cookie — the path that failed for every file
 * over ~1.1 MB before the edge read multipart itself. And tus-js-client's browser build, resuming an
 * upload it remembered in localStorage after a reload.
 */
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { launchChromium, openPageOn } from './support/browser.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';

const test = appTest();
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Signs up from the page itself, so the browser holds the session cookie as a user's would. */
async function signedInPage(url: string): Promise<Page> {
  const page = await browser.newPage();
  await openPageOn(page, url);
  await page.evaluate(async () => {
    const email = `b${Math.random().toString(36).slice(2)}@example.com`;
    const res = await fetch('/api/v1/auth/signup', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse' }) });
    if (res.status !== 201) throw new Error(`signup ${res.status}`);
  });
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'photo';
    document.body.append(input);
  });
  return page;
}

describe('uploads from headless Chromium', () => {
  test('an 8 MB 4000×3000 photo: fetch + FormData, Image returned, then ready at 4000×3000', async ({ app }) => {
    const page = await signedInPage(app.url);
    const bytes = await cameraPhoto({ bytes: 8_000_000 });
    await page.setInputFiles('#photo', { name: 'Été à Paris.jpg', mimeType: 'image/jpeg', buffer: bytes });
    const result = await page.evaluate(async () => {
      const gqlJson = async (query: string, variables: Record<string, unknown> = {}) => {
        const res = await fetch('/graphql', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-graphql-yoga-csrf': '1' }, body: JSON.stringify({ query, variables }) });
        return (await res.json()) as { data: Record<string, Record<string, unknown>> };
      };
      const created = await gqlJson('mutation { createCollection(name: "Holidays") { ... on Collection { id } } }');
      const collectionId = created.data.createCollection!.id as string;
      const file = (document.getElementById('photo') as HTMLInputElement).files![0]!;
      const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
      const checksum = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      const form = new FormData();
      form.append('operations', JSON.stringify({
        query: 'mutation ($file: Upload!, $checksum: String!, $collectionId: ID!) { uploadImage(file: $file, checksum: $checksum, collectionId: $collectionId) { __typename ... on Image { id slug } ... on AppError { code message } } }',
        variables: { file: null, checksum, collectionId },
      }));
      form.append('map', JSON.stringify({ 0: ['variables.file'] }));
      form.append('0', file);
      const res = await fetch('/graphql', { method: 'POST', credentials: 'include', headers: { 'x-graphql-yoga-csrf': '1' }, body: form });
      const body = (await res.json()) as { data?: { uploadImage: { __typename: string; id?: string; slug?: string } }; errors?: unknown };
      const id = body.data?.uploadImage.id;
      let image: Record<string, unknown> | null = null;
      for (let i = 0; id && i < 600; i++) {
        image = (await gqlJson('query ($id: ID!) { image(id: $id) { status width height variants { size width } } }', { id })).data.image ?? null;
        if (image?.status !== 'PROCESSING') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return { status: res.status, size: file.size, body, image };
    });
    expect(result.status).toBe(200);
    expect(result.size).toBe(8_000_000);
    expect(result.body.data?.uploadImage).toMatchObject({ __typename: 'Image', slug: 'ete-a-paris' });
    expect(result.image).toMatchObject({ status: 'READY', width: 4000, height: 3000 });
    expect((result.image!.variants as { size: number; width: number }[]).find((v) => v.size === 1280)?.width).toBe(1280);
    await page.close();
  });

  test('tus-js-client in the browser: a 12 MB photo stopped at half, resumed from its stored URL after a reload, ready', async ({ app }) => {
    const page = await signedInPage(app.url);
    const tusBundle = createRequire(import.meta.url).resolve('tus-js-client/dist/tus.min.js');
    const bytes = await cameraPhoto({ bytes: 12_000_000 });
    const collection = await page.evaluate(async () => {
      const res = await fetch('/api/v1/collections', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Train' }) });
      return ((await res.json()) as { id: string }).id;
    });
    /** One tus-js-client session, as its README has it: resume a previous upload of this file if localStorage knows one. */
    const session = async (stopAt: number | null) => {
      await page.addScriptTag({ path: tusBundle });
      await page.setInputFiles('#photo', { name: 'Commute.jpg', mimeType: 'image/jpeg', buffer: bytes });
      return page.evaluate(
        async ({ collection, stopAt }) => {
          const tus = (window as unknown as { tus: typeof import('tus-js-client') }).tus;
          const file = (document.getElementById('photo') as HTMLInputElement).files![0]!;
          const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
          const checksum = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
          const offsets: number[] = [];
          return new Promise<{ stoppedAt?: number; imageId?: string | undefined; offsets: number[]; resumed: boolean }>((resolve, reject) => {
            const upload: import('tus-js-client').Upload = new tus.Upload(file, {
              endpoint: `${location.origin}/api/v1/uploads`,
              chunkSize: 2_000_000,
              retryDelays: null,
              metadata: { filename: file.name, collection, checksum },
              // the default fingerprint includes lastModified, which a file re-picked by the test does not keep
              fingerprint: async () => `optimage-${file.name}-${file.size}-${checksum}`,
              onBeforeRequest: (req) => void (req.getMethod() === 'PATCH' && offsets.push(Number(req.getHeader('Upload-Offset')))),
              onChunkComplete: (_size, accepted) => {
                if (stopAt !== null && accepted >= stopAt) void upload.abort().then(() => resolve({ stoppedAt: accepted, offsets, resumed }));
              },
              onSuccess: ({ lastResponse }) => resolve({ imageId: lastResponse.getHeader('Optimage-Image-Id'), offsets, resumed }),
              onError: reject,
            });
            let resumed = false;
            void upload.findPreviousUploads().then((previous) => {
              if (previous[0]) {
                resumed = true;
                upload.resumeFromPreviousUpload(previous[0]);
              }
              upload.start();
            });
          });
        },
        { collection, stopAt },
      );
    };

    const first = await session(6_000_000);
    expect(first).toMatchObject({ stoppedAt: 6_000_000, resumed: false, offsets: [0, 2_000_000, 4_000_000] });
    await page.reload();
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.id = 'photo';
      document.body.append(input);
    });
    const second = await session(null);
    expect(second).toMatchObject({ resumed: true, offsets: [6_000_000, 8_000_000, 10_000_000], imageId: expect.stringMatching(/^img_/) });
    const image = await page.evaluate(async (id) => {
      for (;;) {
        const body = (await (await fetch(`/api/v1/images/${id}`, { credentials: 'include' })).json()) as { status: string; width: number; bytes: number };
        if (body.status !== 'processing') return body;
        await new Promise((r) => setTimeout(r, 100));
      }
    }, second.imageId!);
    expect(image).toMatchObject({ status: 'ready', width: 4000, bytes: 12_000_000 });
    await page.close();
  });
});
