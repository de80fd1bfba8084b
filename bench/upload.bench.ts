/**
 * `npm run bench:upload`: upload-to-ready for a 12 MP camera JPEG through the real service — REST
 * upload with checksum, job, worker-thread pipeline, local storage, activation — timed from the
 * first byte sent to the `ready` event on a graphql-ws subscription. Beside it, in the same run:
 * the full-size WebP encode alone (the critical path no pipeline can beat) and a 3 MP web photo.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import sharp from 'sharp';
import WebSocket from 'ws';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { createLogger } from '../src/logger.ts';
import { WEBP_QUALITY } from '../src/modules/processing/sizes.ts';
import * as images from '../test/support/images.ts';
import { formatTable, median, ms, ratio } from './measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const dir = await mkdtemp(join(tmpdir(), 'optimage-bench-upload-'));
await chmod(dir, 0o755);
const logger = createLogger('warn');
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(join(dir, 'pg'), logger);
const databaseUrl = process.env.DATABASE_URL ?? embedded!.url();
const app = await createApp(loadConfig({ PORT: '0', DATA_DIR: dir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }), { logger });

try {
  const session = await app.services.accounts.signUp({ email: `bench${Date.now()}@example.com`, password: 'benchmark password' });
  await app.services.accounts.setPlan(session.user.email, 'business');
  const collection = await app.services.collections.create(session.user.id, 'bench');
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
    { next: (m) => m.data?.imageEvents.status !== 'processing' && ready.get(m.data!.imageEvents.id)?.(), error: console.error, complete: () => undefined },
  );
  await new Promise((r) => setTimeout(r, 300));

  let counter = 0;
  async function uploadToReady(bytes: Buffer): Promise<number> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'camera.jpg');
    form.append('checksum', createHash('sha256').update(bytes).digest('hex'));
    form.append('collection', collection.id);
    form.append('slug', `bench-${counter++}`);
    const t0 = performance.now();
    let resolveReady!: () => void;
    const done = new Promise<void>((r) => (resolveReady = r));
    const res = await fetch(`${app.url}/api/v1/images`, { method: 'POST', headers: { cookie }, body: form });
    const image = (await res.json()) as { id: string };
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(image)}`);
    ready.set(image.id, resolveReady);
    const row = await app.services.images.get(session.user.id, image.id);
    if (row.status !== 'processing') resolveReady();
    await done;
    return performance.now() - t0;
  }

  const photo12 = await images.photoJpeg(4000, 3000, 7);
  const photo3 = await images.photoJpeg(2000, 1500, 8);
  await uploadToReady(photo3); // warm-up: threads, JIT, connections
  const t12: number[] = [];
  const t3: number[] = [];
  const fullEncode: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t12.push(await uploadToReady(photo12));
    t3.push(await uploadToReady(photo3));
    const t0 = performance.now();
    await sharp(photo12).rotate().webp({ quality: WEBP_QUALITY }).toBuffer();
    fullEncode.push(performance.now() - t0);
  }
  await ws.dispose();
  const enc = median(fullEncode);
  console.log(`\nupload → ready through the running service, median of ${RUNS} (local storage, ${app.config.processing.threads} worker threads)\n`);
  console.log(
    formatTable([
      ['what', 'median', 'vs full-size encode alone'],
      [`12 MP JPEG (4000×3000, ${(photo12.length / 1e6).toFixed(1)} MB) upload → ready`, ms(median(t12)), ratio(median(t12) / enc)],
      [`3 MP JPEG (2000×1500, ${(photo3.length / 1e6).toFixed(1)} MB) upload → ready`, ms(median(t3)), ratio(median(t3) / enc)],
      ['full-size WebP encode of the 12 MP JPEG alone (sharp, one call)', ms(enc), ratio(1)],
    ]),
  );
} finally {
  await app.close();
  await embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
