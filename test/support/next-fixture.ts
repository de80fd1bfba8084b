/**
 * The Next.js fixture app (test/fixtures/next-app) as a user has it: its own package.json and
 * lockfile installed with `npm ci` into a cache keyed by the lockfile's hash (outside the repo:
 * `OPTIMAGE_NEXT_CACHE`, else ~/.cache/optimage-next-fixture), so a second run of the same lockfile
 * skips the install; the kit packages packed with `npm pack` and unpacked into its node_modules, as
 * `npm install ./optimage-react-0.1.0.tgz` would; then `next build` and `next start`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const FIXTURE = resolve('test/fixtures/next-app');
const KIT = ['client', 'react', 'next'];

export interface Timed {
  seconds: number;
  skipped?: boolean;
}

/** The app's directory in the cache, installed (npm ci) unless that lockfile's install is there. */
export async function installFixture(): Promise<{ dir: string; install: Timed }> {
  const lock = await readFile(join(FIXTURE, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).update(await readFile(join(FIXTURE, 'package.json'))).digest('hex').slice(0, 16);
  const root = process.env.OPTIMAGE_NEXT_CACHE ?? join(homedir(), '.cache', 'optimage-next-fixture');
  const dir = join(root, hash);
  const marker = join(dir, '.installed');
  if (existsSync(marker)) return { dir, install: { seconds: 0, skipped: true } };
  const started = performance.now();
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(join(FIXTURE, 'package.json'), join(dir, 'package.json'));
  await cp(join(FIXTURE, 'package-lock.json'), join(dir, 'package-lock.json'));
  await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, maxBuffer: 1 << 24 });
  await writeFile(marker, new Date().toISOString());
  return { dir, install: { seconds: (performance.now() - started) / 1000 } };
}

/** The fixture's sources over the cached install, and the packed kit in its node_modules. */
export async function prepareFixture(dir: string): Promise<void> {
  for (const entry of ['app', 'pages', 'lib', 'public', 'next.config.mjs', 'optimage-loader.js']) {
    await rm(join(dir, entry), { recursive: true, force: true });
    if (existsSync(join(FIXTURE, entry))) await cp(join(FIXTURE, entry), join(dir, entry), { recursive: true });
  }
  await rm(join(dir, '.next'), { recursive: true, force: true });
  const packs = await mkdtemp(join(tmpdir(), 'optimage-pack-'));
  try {
    for (const name of KIT) {
      const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', packs], { cwd: resolve('packages', name) });
      const target = join(dir, 'node_modules', '@optimage', name);
      await rm(target, { recursive: true, force: true });
      await mkdir(target, { recursive: true });
      await run('tar', ['-xzf', join(packs, stdout.trim().split('\n').pop()!), '-C', target, '--strip-components=1']);
    }
  } finally {
    await rm(packs, { recursive: true, force: true });
  }
}

const nextBin = (dir: string) => join(dir, 'node_modules', 'next', 'dist', 'bin', 'next');

export async function buildFixture(dir: string, env: Record<string, string>): Promise<Timed & { output: string }> {
  const started = performance.now();
  const { stdout, stderr } = await run(process.execPath, [nextBin(dir), 'build'], { cwd: dir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env }, maxBuffer: 1 << 24 });
  return { seconds: (performance.now() - started) / 1000, output: stdout + stderr };
}

export interface NextServer {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** `next start` on a free port (port 0 is not offered: we pick one first). */
export async function startFixture(dir: string, port: number, env: Record<string, string>): Promise<NextServer> {
  const child: ChildProcess = spawn(process.execPath, [nextBin(dir), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited: ${out}`);
    const up = await fetch(`${url}/__health`).then(() => true, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`next start did not answer: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
