/**
 * vitest fixtures (test.extend), shared by tests and benches instead of per-file preambles: a real
 * app per file, two signed-in users (alice and bob), a fresh collection of alice's per test, and
 * camera-sized photos. `appTest(env)` binds the app's environment for one file.
 */
import { test as base } from 'vitest';
import type { AppOptions } from '../../src/app.ts';
import { startTestApp, type TestApp } from './app.ts';
import { Client } from './http.ts';
import { photoJpeg } from './images.ts';

export interface FileFixtures {
  app: TestApp;
  alice: Client;
  bob: Client;
}

export interface TestFixtures {
  /** A new collection of alice's, so every test starts with an empty one. */
  collection: string;
}

export function appTest(env: Record<string, string> = {}, options: AppOptions = {}) {
  return base.extend<{ $test: TestFixtures; $file: FileFixtures }>({
    app: [
      // eslint-disable-next-line no-empty-pattern -- vitest reads the fixtures a fixture needs from this pattern
      async ({}, use) => {
        const app = await startTestApp(env, options);
        try {
          await use(app);
        } finally {
          await app.close();
        }
      },
      { scope: 'file' },
    ],
    alice: [async ({ app }, use) => use(await signedIn(app)), { scope: 'file' }],
    bob: [async ({ app }, use) => use(await signedIn(app)), { scope: 'file' }],
    collection: async ({ alice }, use) => {
      const { status, body } = await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: `Photos ${Math.random().toString(36).slice(2, 8)}` });
      if (status !== 201) throw new Error(`could not create a collection: ${status}`);
      await use(body.id);
    },
  });
}

async function signedIn(app: TestApp): Promise<Client> {
  const client = new Client(app.url);
  await client.signUp();
  return client;
}

const photos = new Map<string, Promise<Buffer>>();

/**
 * The photo factory: a camera-like JPEG (default 4000×3000, 12 MP, ~2 MB), made once per process
 * per size and seed. With `bytes`, it is padded after its end-of-image marker to exactly that many
 * bytes (as cameras append maker data and previews), so every size of upload is a real photo.
 */
export async function cameraPhoto(options: { width?: number; height?: number; seed?: number; bytes?: number } = {}): Promise<Buffer> {
  const { width = 4000, height = 3000, seed = 42, bytes } = options;
  const key = `${width}x${height}:${seed}`;
  if (!photos.has(key)) photos.set(key, photoJpeg(width, height, seed));
  const photo = await photos.get(key)!;
  if (bytes === undefined) return photo;
  if (bytes < photo.length) throw new RangeError(`a ${width}×${height} photo is ${photo.length} bytes, more than ${bytes}: ask for a smaller one`);
  return Buffer.concat([photo, Buffer.alloc(bytes - photo.length, 0x20)]);
}
