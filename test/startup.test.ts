/** `npm start` as a new user runs it: embedded PostgreSQL, clean stop, restart with data, SIGKILL recovery. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded-postgres.ts';
import { Client } from './support/http.ts';
import { MAIN, runMain } from './support/process.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'optimage-start-'));
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const postgresRunning = (dir: string) => {
  const pidFile = join(dir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('serve with the embedded PostgreSQL', () => {
  it('starts with nothing configured, stops cleanly on SIGINT, keeps data across restarts, survives SIGKILL', async () => {
    const port = String(await freePort());
    const env = { DATA_DIR: dataDir, PORT: port, PROCESSING: 'off' };
    const first = runMain(['serve'], env);
    const line = await first.waitFor(/optimage listening on/);
    expect(line).toContain(`http://127.0.0.1:${port}`);
    const c = new Client(`http://127.0.0.1:${port}`);
    await c.signUp('persist@example.com', 'long enough');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(postgresRunning(dataDir)).toBe(false);

    const second = runMain(['serve'], env);
    await second.waitFor(/optimage listening on/);
    const login = await new Client(`http://127.0.0.1:${port}`).json('POST', '/api/v1/auth/login', { email: 'persist@example.com', password: 'long enough' });
    expect(login.status).toBe(200);
    second.child.kill('SIGKILL');
    await second.exited;
    expect(postgresRunning(dataDir)).toBe(true); // the orphan a SIGKILL leaves behind

    const third = runMain(['serve'], env);
    await third.waitFor(/optimage listening on/);
    expect(third.output()).toContain('stopping a PostgreSQL left running by a previous run');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(postgresRunning(dataDir)).toBe(false);
  });

  it('stops with one clear line naming a bad variable', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, [MAIN, 'serve'], { env: { PATH: process.env.PATH, PORT: 'http', MAX_UPLOAD_BYTES: 'lots' }, stdio: 'pipe' });
    } catch (err) {
      const e = err as { status: number; stderr: Buffer };
      expect(e.status).toBe(2);
      stderr = e.stderr.toString();
    }
    expect(stderr).toContain('optimage: configuration error: PORT:');
    expect(stderr).toContain('optimage: configuration error: MAX_UPLOAD_BYTES:');
  });
});

describe('serve with TMPDIR set to a private directory', () => {
  it('initialises and starts the embedded PostgreSQL even when the postgres user cannot read TMPDIR', async () => {
    const privateTmp = await mkdtemp(join(tmpdir(), 'optimage-private-tmp-'));
    await chmod(privateTmp, 0o700);
    const dir = await mkdtemp(join(tmpdir(), 'optimage-start-tmpdir-'));
    await chmod(dir, 0o755);
    try {
      const port = String(await freePort());
      const run = runMain(['serve'], { DATA_DIR: dir, PORT: port, PROCESSING: 'off', TMPDIR: privateTmp });
      await run.waitFor(/optimage listening on/);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      // the init-time temp directory under DATA_DIR is removed again; TMPDIR keeps its mode
      expect(readdirSync(dir).sort()).toEqual(['postgres', 'storage', 'tus', 'uploads']);
      expect((await stat(privateTmp)).mode & 0o777).toBe(0o700);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(privateTmp, { recursive: true, force: true });
    }
  });
});
