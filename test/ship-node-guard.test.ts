/**
 * An unsupported Node stops `npm start`, `npm run worker` and `npm run cli` at once, before the build,
 * with one line naming the version needed and how to get it (scripts/require-node.mjs).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const GUARD = resolve('scripts/require-node.mjs');
const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;

const supported = (v: string) => {
  const [a, b] = v.split('.').map(Number) as [number, number];
  return a > 22 || (a === 22 && b >= 18);
};

/** The machine's own old Node (Debian's /usr/bin/node is 20 here), when there is one. */
function oldNode(): { path: string; version: string } | undefined {
  for (const path of ['/usr/bin/node', '/usr/local/bin/node', '/usr/bin/nodejs']) {
    if (!existsSync(path)) continue;
    const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (!supported(version)) return { path, version };
  }
  return undefined;
}

function runGuard(args: string[]) {
  return spawnSync(process.execPath, [GUARD, ...args], { encoding: 'utf8' });
}

const tmp = mkdtempSync(join(tmpdir(), 'optimage-node-guard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the Node version guard', () => {
  it('reads the version it needs from package.json engines', () => {
    expect(engines).toBe('>=22.18');
  });

  it.each(['20.19.2', 'v18.20.8', '22.17.1', '22.9.0'])('stops on Node %s with one line naming 22.18 and how to get Node 24', (version) => {
    const run = runGuard([version]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('needs Node.js 22.18 or newer');
    expect(lines[0]).toContain(`not ${version.replace(/^v/, '')}`);
    expect(lines[0]).toContain('nvm install 24');
  });

  it.each(['22.18.0', '22.20.1', '24.0.0', '25.1.0'])('lets Node %s through silently', (version) => {
    const run = runGuard([version]);
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe('');
  });

  it('runs first in npm start, npm run worker and npm run cli, before the build', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'worker', 'cli']) {
      expect(scripts[name]!.startsWith('node scripts/require-node.mjs && npm run build')).toBe(true);
    }
  });

  it('stops `npm start` under an old Node at once: one line, exit 1, nothing built', () => {
    // npm itself runs on this (supported) Node; the script's `node` is the old one when the machine
    // has one, else this Node told to check an old version.
    const old = oldNode();
    const bin = join(tmp, 'bin');
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    if (old) {
      execFileSync('mkdir', ['-p', bin]);
      symlinkSync(old.path, join(bin, 'node'));
      env.PATH = `${bin}:${process.env.PATH ?? ''}`;
    } else {
      env.OPTIMAGE_CHECK_NODE_VERSION = '20.19.2';
    }
    const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
    const built = statSync('dist/src/main.js').mtimeMs;
    for (const script of [['start'], ['run', 'worker'], ['run', 'cli', '--', 'doctor']]) {
      const run = spawnSync(process.execPath, [npmCli, '--silent', ...script], { env, encoding: 'utf8', timeout: 30_000 });
      expect(run.status, run.stderr).toBe(1);
      const lines = run.stderr.split('\n').filter((l) => l.includes('optimage needs'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`not ${old?.version ?? '20.19.2'}`);
      expect(run.stdout).not.toContain('listening');
    }
    expect(statSync('dist/src/main.js').mtimeMs).toBe(built);
  });
});
