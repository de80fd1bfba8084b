/**
 * The HTTP half of deploy/verify-image.sh: what a user does against the container, over real HTTP.
 *   node scripts/verify-image-client.ts upload <baseUrl> <stateFile>   sign up, upload a camera photo,
 *       wait for `ready`, fetch a variant; writes the account and image to stateFile
 *   node scripts/verify-image-client.ts find <baseUrl> <stateFile>     log in again (after a restart on
 *       the same volume) and find the image, ready, with its variant served
 * Prints one line per step with its time; exits 1 with a clear message on the first failure.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { Client } from '../test/support/http.ts';
import { realPhotos } from '../test/support/real-photos.ts';
import { restUpload, sha256 } from '../test/support/upload.ts';

interface State {
  email: string;
  password: string;
  imageId: string;
  variantPath: string;
  variantBytes: number;
}
interface ImageBody {
  id: string;
  status: string;
  error?: string | null;
  width?: number;
  height?: number;
  variants?: { size: number; format: string; url: string; bytes: number }[];
  quality?: number | null;
}

const [mode, baseUrl, stateFile] = process.argv.slice(2);
if (!mode || !baseUrl || !stateFile || !['upload', 'find'].includes(mode)) {
  console.error('usage: verify-image-client.ts upload|find <baseUrl> <stateFile>');
  process.exit(2);
}

function fail(message: string): never {
  console.error(`verify-image: FAIL: ${message}`);
  process.exit(1);
}

async function step<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const result = await run();
    console.log(`verify-image:   ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    return result;
  } catch (err) {
    fail(`${label}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A camera-sized real photo (≈ 12 MP JPEG) from the test corpus. */
function cameraPhotoPath(): string {
  const photos = realPhotos('photo');
  const preferred = photos.find((p) => p.name === 'Dragonfly_by_Bolly.jpg') ?? photos.find((p) => statSync(p.path).size > 2_000_000);
  if (!preferred) fail('no camera photo in the real-photo corpus (test/support/real-photos.ts)');
  return preferred.path;
}

async function waitReady(client: Client, id: string, timeoutMs: number): Promise<ImageBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await client.json<ImageBody>('GET', `/api/v1/images/${id}`);
    if (status !== 200) throw new Error(`GET /api/v1/images/${id} answered ${status}`);
    if (body.status === 'ready') return body;
    if (body.status !== 'processing') throw new Error(`image ended ${body.status}: ${body.error ?? ''}`);
    if (Date.now() > deadline) throw new Error(`image still processing after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function fetchVariant(path: string): Promise<number> {
  const res = await fetch(baseUrl + path);
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('image/')) throw new Error(`GET ${path} is ${type}, not an image`);
  const bytes = (await res.arrayBuffer()).byteLength;
  if (bytes < 100) throw new Error(`GET ${path} returned only ${bytes} bytes`);
  return bytes;
}

function pickVariant(image: ImageBody): { path: string; size: number } {
  const variant = image.variants?.find((v) => v.format === 'webp' && v.size >= 640) ?? image.variants?.[0];
  if (!variant) throw new Error('the ready image lists no variant');
  return { path: new URL(variant.url, baseUrl).pathname, size: variant.size };
}

const client = new Client(baseUrl);
if (mode === 'upload') {
  const email = `verify-${Date.now()}@example.com`;
  const password = 'verify image password';
  await step(`signed up as ${email}`, () => client.signUp(email, password));
  const collection = await step('created a collection', async () => {
    const { status, body } = await client.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Camera' });
    if (status !== 201) throw new Error(`POST /api/v1/collections answered ${status}: ${JSON.stringify(body)}`);
    return body.id;
  });
  // "auto" runs the quality search, so the metric's WebAssembly kernels must be in the image and load
  await step('set its quality to "auto"', async () => {
    const { status, body } = await client.json('PATCH', `/api/v1/collections/${collection}`, { quality: 'auto' });
    if (status !== 200) throw new Error(`PATCH /api/v1/collections/${collection} answered ${status}: ${JSON.stringify(body)}`);
  });
  const path = cameraPhotoPath();
  const bytes = await readFile(path);
  const uploaded = await step(`uploaded ${path.split('/').pop()} (${(bytes.length / 1e6).toFixed(1)} MB)`, async () => {
    const { status, body } = await restUpload(client, bytes, { filename: 'camera.jpg', collection, checksum: sha256(bytes) });
    if (status !== 201 && status !== 202) throw new Error(`POST /api/v1/images answered ${status}: ${JSON.stringify(body)}`);
    return body;
  });
  const ready = await step('image ready', () => waitReady(client, uploaded.id, 240_000));
  await step(`"auto" chose quality ${ready.quality}`, async () => {
    if (!Number.isInteger(ready.quality) || ready.quality! < 40 || ready.quality! > 80) throw new Error(`the ready image reports quality ${ready.quality}: expected what the search chose, 40–80`);
  });
  const variant = pickVariant(ready);
  const variantBytes = await step(`fetched variant ${variant.size}w (${ready.width}×${ready.height} source)`, () => fetchVariant(variant.path));
  const state: State = { email, password, imageId: uploaded.id, variantPath: variant.path, variantBytes };
  await writeFile(stateFile, JSON.stringify(state));
} else {
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as State;
  await step('logged in again', async () => {
    const { status, body } = await client.json('POST', '/api/v1/auth/login', { email: state.email, password: state.password });
    if (status !== 200) throw new Error(`login answered ${status}: ${JSON.stringify(body)}`);
  });
  const image = await step('found the image', () => waitReady(client, state.imageId, 10_000));
  const variant = pickVariant(image);
  if (variant.path !== state.variantPath) fail(`variant URL changed across the restart: ${state.variantPath} → ${variant.path}`);
  const bytes = await step('fetched the same variant', () => fetchVariant(variant.path));
  if (bytes !== state.variantBytes) fail(`variant is ${bytes} bytes after the restart, ${state.variantBytes} before`);
}
