/** A real app per test file: its own database on the run's PostgreSQL, its own data dir, port 0. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';

export interface TestApp extends App {
  databaseUrl: string;
  dataDir: string;
}

/** Creates a fresh database on the run's cluster and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const admin = inject('adminDatabaseUrl');
  const name = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Ends a pg.Pool for good. pg-pool's end() resolves once its clients are asked to close, not once
 * they have: a `DROP DATABASE … WITH (FORCE)` right after can terminate a backend still closing, and
 * its FATAL (57P01) then reaches the pool as an 'error' event, uncaught without a listener. So this
 * waits for every client's 'remove' and ignores errors from clients already being closed.
 */
export async function endPool(pool: pg.Pool): Promise<void> {
  pool.on('error', () => {}); // only closing clients are left to report anything
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      if (--open === 0) resolve();
    });
  });
  await pool.end();
  await closed;
}

/** Drops a database made by createTestDatabase (leaves nothing behind on a shared DATABASE_URL server). */
export async function dropTestDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
  await client.end();
}

export async function startTestApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const ownDatabase = !env.DATABASE_URL;
  const databaseUrl = env.DATABASE_URL ?? (await createTestDatabase());
  const dataDir = await mkdtemp(join(tmpdir(), 'optimage-test-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, DATABASE_URL: databaseUrl, WORKER_THREADS: '2', ...env });
  const app = await createApp(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), ...options });
  return {
    ...app,
    databaseUrl,
    dataDir,
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
      if (ownDatabase) await dropTestDatabase(databaseUrl);
    },
  };
}
