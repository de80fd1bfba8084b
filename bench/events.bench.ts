/**
 * `npm run bench:events`: time from a processing process publishing a status step to a real
 * graphql-ws client (subscribed to `imageEvents`) receiving it, p50/p99 over a few hundred events —
 * published in the API process itself (in-process fast path) and from a separate process (through
 * PostgreSQL NOTIFY) — beside the floor: a bare pg NOTIFY → LISTEN round trip between two connections.
 */
import { fork } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { createLogger } from '../src/logger.ts';

const N = Number(process.env.BENCH_EVENTS ?? 300);
const now = () => performance.timeOrigin + performance.now();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (x: number) => x.toFixed(2).padStart(7);

const dir = await mkdtemp(join(tmpdir(), 'optimage-bench-events-'));
await chmod(dir, 0o755);
const logger = createLogger('warn');
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(join(dir, 'pg'), logger);
const databaseUrl = process.env.DATABASE_URL ?? embedded!.url();
const app = await createApp(loadConfig({ PORT: '0', DATA_DIR: dir, DATABASE_URL: databaseUrl, PROCESSING: 'off', LOG_LEVEL: 'warn' }), { logger });

try {
  const session = await app.services.accounts.signUp({ email: `bench${Date.now()}@example.com`, password: 'benchmark password' });
  const collection = await app.services.collections.create(await app.services.actors.forUser(session.user.id), 'bench');
  const received = new Map<number, number>();
  let onReceive: (() => void) | null = null;
  class CookieSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie: `optimage_session=${session.token}` } });
    }
  }
  const client = createClient({ url: app.url.replace('http', 'ws') + '/graphql', webSocketImpl: CookieSocket, retryAttempts: 0 });
  client.subscribe<{ imageEvents: { id: string } }>(
    { query: `subscription($c: ID!) { imageEvents(collectionId: $c) { id } }`, variables: { c: collection.id } },
    {
      next: (msg) => {
        const n = Number(msg.data!.imageEvents.id.replace('img_bench_', ''));
        received.set(n, now());
        onReceive?.();
      },
      error: (err) => console.error('subscription error', err),
      complete: () => undefined,
    },
  );
  await new Promise((r) => setTimeout(r, 500)); // subscription in place

  const waitFor = (count: number) => new Promise<void>((resolve) => {
    const check = () => (received.size >= count ? resolve() : undefined);
    onReceive = check;
    check();
  });

  // 1. in-process: published by this (API) process's bus
  const sentIn = new Map<number, number>();
  received.clear();
  for (let n = 0; n < N; n++) {
    sentIn.set(n, now());
    await app.events.publish({ imageId: `img_bench_${n}`, userId: session.user.id, collectionId: collection.id, status: 'processing', step: 'RESIZE', progress: 50, error: null, at: new Date().toISOString() });
    await new Promise((r) => setTimeout(r, 5));
  }
  await waitFor(N);
  const inProcess = [...sentIn].map(([n, t]) => received.get(n)! - t);

  // 2. cross-process: a separate process publishes through PostgreSQL NOTIFY
  received.clear();
  const sentX = new Map<number, number>();
  const child = fork(fileURLToPath(new URL('./events-publisher.js', import.meta.url)), [databaseUrl, session.user.id, collection.id, String(N)]);
  child.on('message', (m: { n: number; sent: number }) => sentX.set(m.n, m.sent));
  await new Promise((r) => child.once('exit', r));
  await waitFor(N);
  const crossProcess = [...sentX].map(([n, t]) => received.get(n)! - t);

  // 3. the floor: bare NOTIFY → LISTEN between two connections of this process
  const listener = new pg.Client({ connectionString: databaseUrl });
  const notifier = new pg.Client({ connectionString: databaseUrl });
  await listener.connect();
  await notifier.connect();
  await listener.query('LISTEN bench_floor');
  const floor: number[] = [];
  for (let n = 0; n < N; n++) {
    const t0 = now();
    const got = new Promise<void>((resolve) => listener.once('notification', () => resolve()));
    await notifier.query(`SELECT pg_notify('bench_floor', $1)`, [String(n)]);
    await got;
    floor.push(now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  await listener.end();
  await notifier.end();
  await client.dispose();

  const rows: [string, number[]][] = [
    ['in-process (publish → graphql-ws client)', inProcess],
    ['cross-process (worker process → NOTIFY → API → graphql-ws client)', crossProcess],
    ['floor: bare pg NOTIFY → LISTEN', floor],
  ];
  console.log(`\nstatus event latency, ${N} events each, milliseconds (machine: ${(await import('node:os')).cpus().length} cores)\n`);
  console.log(`${'path'.padEnd(68)}    p50     p99     max   p50 ÷ floor`);
  const floorP50 = pct(floor, 50);
  for (const [name, xs] of rows) {
    console.log(`${name.padEnd(68)} ${fmt(pct(xs, 50))} ${fmt(pct(xs, 99))} ${fmt(Math.max(...xs))}   ${(pct(xs, 50) / floorP50).toFixed(2)}×`);
  }
  console.log(`\nlost events: in-process ${N - inProcess.filter(Number.isFinite).length}, cross-process ${N - crossProcess.filter(Number.isFinite).length}`);
} finally {
  await app.close();
  await embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
