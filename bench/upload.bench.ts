/**
 * `npm run bench:upload`: upload-to-ready for a 12 MP camera JPEG through the real service — upload
 * with checksum over REST and over GraphQL (the multipart request spec) side by side, job,
 * worker-thread pipeline, local storage, activation — timed from the first byte sent to the `ready`
 * event on a graphql-ws subscription. Beside it, in the same run: the full-size WebP encode alone
 * (the critical path no pipeline can beat) and a 3 MP web photo. Then server memory under 8
 * concurrent 40 MB uploads over each API.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import sharp from 'sharp';
import WebSocket from 'ws';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { createLogger } from '../src/logger.ts';
import { WEBP_QUALITY } from '../src/modules/images/sizes.ts';
import * as images from '../test/support/images.ts';
import { formatTable, median, ms, ratio } from './measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const execFileAsync = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), 'optimage-bench-upload-'));
await chmod(dir, 0o755);
const logger = createLogger('warn');
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(join(dir, 'pg'), logger);
const databaseUrl = process.env.DATABASE_URL ?? embedded!.url();
const app = await createApp(loadConfig({ PORT: '0', DATA_DIR: dir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }), { logger });

try {
  const session = await app.services.accounts.signUp({ email: `bench${Date.now()}@example.com`, password: 'benchmark password' });
  await app.services.accounts.setPlan(session.user.email, 'business');
  const actor = await app.services.actors.forUser(session.user.id);
  const collection = await app.services.collections.create(actor, 'bench');
  const cookie = `optimage_session=${session.token}`;
  class CookieSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie } });
    }
  }
  const ws = createClient({ url: app.url.replace('http', 'ws') + '/graphql', webSocketImpl: CookieSocket, retryAttempts: 0 });
  const ready = new Map<string, () => void>();
  ws.subscribe<{ imageEvents: { id: string; status: string } }>(
    { query: `subscription($c: ID!) { imageEvents(collectionId: $c) { id status } }`, variables: { c: collection.id } },
    { next: (m) => m.data?.imageEvents.status !== 'PROCESSING' && ready.get(m.data!.imageEvents.id)?.(), error: console.error, complete: () => undefined },
  );
  await new Promise((r) => setTimeout(r, 300));

  let counter = 0;
  const UPLOAD = 'mutation ($file: Upload!, $checksum: String!, $collectionId: ID!, $slug: String) { uploadImage(file: $file, checksum: $checksum, collectionId: $collectionId, slug: $slug) { __typename ... on Image { id } ... on AppError { code message } } }';
  type Api = 'REST' | 'GraphQL';
  async function send(api: Api, bytes: Buffer): Promise<{ id: string }> {
    const checksum = createHash('sha256').update(bytes).digest('hex');
    const slug = `bench-${counter++}`;
    const blob = new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' });
    const form = new FormData();
    if (api === 'REST') {
      form.append('file', blob, 'camera.jpg');
      form.append('checksum', checksum);
      form.append('collection', collection.id);
      form.append('slug', slug);
      const res = await fetch(`${app.url}/api/v1/images`, { method: 'POST', headers: { cookie }, body: form });
      const image = (await res.json()) as { id: string };
      if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(image)}`);
      return image;
    }
    form.append('operations', JSON.stringify({ query: UPLOAD, variables: { file: null, checksum, collectionId: collection.id, slug } }));
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    form.append('0', blob, 'camera.jpg');
    const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { cookie, 'x-graphql-yoga-csrf': '1' }, body: form });
    const body = (await res.json()) as { data?: { uploadImage: { __typename: string; id: string } } };
    if (body.data?.uploadImage.__typename !== 'Image') throw new Error(`upload failed: ${res.status} ${JSON.stringify(body)}`);
    return body.data.uploadImage;
  }
  async function uploadToReady(bytes: Buffer, api: Api = 'REST'): Promise<number> {
    const t0 = performance.now();
    let resolveReady!: () => void;
    const done = new Promise<void>((r) => (resolveReady = r));
    const image = await send(api, bytes);
    ready.set(image.id, resolveReady);
    const row = await app.services.images.get(actor, image.id);
    if (row.status !== 'processing') resolveReady();
    await done;
    return performance.now() - t0;
  }

  const photo12 = await images.photoJpeg(4000, 3000, 7);
  const photo3 = await images.photoJpeg(2000, 1500, 8);
  await uploadToReady(photo3); // warm-up: threads, JIT, connections
  await uploadToReady(photo3, 'GraphQL');
  const t12: number[] = [];
  const t12g: number[] = [];
  const t3: number[] = [];
  const fullEncode: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t12.push(await uploadToReady(photo12));
    t12g.push(await uploadToReady(photo12, 'GraphQL'));
    t3.push(await uploadToReady(photo3));
    const t0 = performance.now();
    await sharp(photo12).rotate().webp({ quality: WEBP_QUALITY }).toBuffer();
    fullEncode.push(performance.now() - t0);
  }
  await ws.dispose();

  // Memory: 8 concurrent 40 MB uploads, sent by curl processes streaming from disk (so only the
  // server's memory is in this process), read in full and rejected only at the end (bad checksum).
  const big = Buffer.alloc(40 * 1024 * 1024, 7);
  photo12.copy(big);
  const bigPath = join(dir, 'big.jpg');
  await writeFile(bigPath, big);
  const concurrent = 8;
  const curlArgs: Record<Api, (i: number) => string[]> = {
    REST: (i) => ['-F', `file=@${bigPath};filename=big-${i}.jpg`, '-F', `checksum=${'0'.repeat(64)}`, '-F', `collection=${collection.id}`, `${app.url}/api/v1/images`],
    GraphQL: (i) => [
      '-H', 'x-graphql-yoga-csrf: 1',
      '-F', `operations=${JSON.stringify({ query: UPLOAD, variables: { file: null, checksum: '0'.repeat(64), collectionId: collection.id } })}`,
      '-F', 'map={"0":["variables.file"]}',
      '-F', `0=@${bigPath};filename=big-${i}.jpg`,
      `${app.url}/graphql`,
    ],
  };
  const memory: Record<Api, { growth: number; statuses: string[] }> = { REST: { growth: 0, statuses: [] }, GraphQL: { growth: 0, statuses: [] } };
  for (const api of ['REST', 'GraphQL'] as const) {
    (globalThis as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);
    const statuses = await Promise.all(
      Array.from({ length: concurrent }, (_, i) => execFileAsync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-b', cookie, ...curlArgs[api](i)]).then((r) => r.stdout)),
    );
    clearInterval(sampler);
    memory[api] = { growth: rssPeak - rssBefore, statuses };
  }
  const enc = median(fullEncode);
  console.log(`\nupload → ready through the running service, median of ${RUNS} (local storage, ${app.config.processing.threads} worker threads)\n`);
  console.log(
    formatTable([
      ['what', 'median', 'vs full-size encode alone'],
      [`12 MP JPEG (4000×3000, ${(photo12.length / 1e6).toFixed(1)} MB) REST upload → ready`, ms(median(t12)), ratio(median(t12) / enc)],
      [`12 MP JPEG, GraphQL multipart upload → ready`, ms(median(t12g)), `${ratio(median(t12g) / enc)} (GraphQL/REST ${ratio(median(t12g) / median(t12))})`],
      [`3 MP JPEG (2000×1500, ${(photo3.length / 1e6).toFixed(1)} MB) upload → ready`, ms(median(t3)), ratio(median(t3) / enc)],
      ['full-size WebP encode of the 12 MP JPEG alone (sharp, one call)', ms(enc), ratio(1)],
    ]),
  );
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
  for (const api of ['REST', 'GraphQL'] as const) {
    console.log(
      `\nmemory, ${api}: ${concurrent} concurrent ${mb(big.length)} uploads (HTTP ${[...new Set(memory[api].statuses)].join(',')}, rejected only at the end for their checksum): ` +
        `${mb(concurrent * big.length)} of bodies in flight, server RSS growth ${mb(memory[api].growth)}`,
    );
  }
  console.log(`peak RSS of the whole run (server, pool, uploads): ${mb(process.resourceUsage().maxRSS * 1024)}; MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? 'unset'}`);
} finally {
  await app.close();
  await embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
