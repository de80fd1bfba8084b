/**
 * A database of the benchmark's own: a fresh database on DATABASE_URL's server when it is set
 * (dropped again by close), otherwise an embedded cluster under `dir`.
 */
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { createLogger } from '../src/logger.ts';

export interface BenchDatabase {
  url: string;
  close(): Promise<void>;
}

export async function openBenchDatabase(dir: string, prefix: string): Promise<BenchDatabase> {
  const admin = process.env.DATABASE_URL;
  if (!admin) {
    const embedded = await startEmbeddedPostgres(join(dir, 'pg'), createLogger('warn'));
    return { url: embedded.url(), close: () => embedded.stop() };
  }
  const name = `${prefix}_${Date.now().toString(36)}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), close: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
