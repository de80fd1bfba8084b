/**
 * Once per test run: a real PostgreSQL. DATABASE_URL when set (each test file then creates its own
 * database on it), otherwise an embedded cluster in a temp directory.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { createLogger } from '../../src/logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Process tests (npm start, npm run worker) run the compiled dist/; `npm test` builds it first.
  if (!process.env.OPTIMAGE_BUILT) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (process.env.DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.DATABASE_URL);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'optimage-test-pg-'));
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres(join(dir, 'pg'), createLogger('warn'));
  project.provide('adminDatabaseUrl', db.url('postgres'));
  return async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
