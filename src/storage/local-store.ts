/**
 * Objects as plain files under a root directory (so the tree can be served or synced to a bucket as
 * is), each with a small hidden sidecar `.<name>.meta.json` holding its content type, cache-control
 * and ETag. Key segments never start with `.`, so sidecars and temp files cannot collide with keys.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type BigIntStats } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotFoundError } from '../errors.ts';
import { emptyIfMissing, errnoCode, ignoreCodes, isMissing, nullIfMissing } from './fs-errors.ts';
import { compareDigests, digestingStream, digestOf, md5File, writeVerified, type Digest } from './integrity.ts';
import { compareSegments } from './listing.ts';
import { cacheControlOf, readSidecar, SIDECAR_NAME, sidecarPath, type Sidecar } from './local-sidecar.ts';
import { assertValidKey, ObjectChangedError, type ByteRange, type ListedObject, type ListOptions, type MoveOptions, type ObjectInfo, type ObjectStore, type PutOptions, type StoredObject } from './object-store.ts';

/** A file of the driver's own (a temp file of an unfinished write, a probe, a sidecar whose object is gone). */
export interface LeftoverFile {
  path: string;
  size: number;
  lastModified: Date;
}

/** Names the driver writes beside objects while it works: a crash can leave them behind. */
const TEMP_NAME = /^\.(tmp|probe)-/;

const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

export class LocalStore implements ObjectStore {
  readonly kind = 'local';
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
  }

  async check(): Promise<void> {
    try {
      await mkdir(this.rootDir, { recursive: true });
      const probe = join(this.rootDir, `.probe-${randomBytes(6).toString('hex')}`);
      await writeFile(probe, 'ok', { flag: 'wx' });
      await unlink(probe);
    } catch (err) {
      throw new Error(`Storage directory ${this.rootDir} is not usable (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
  }

  async put(key: string, body: Uint8Array, opts: PutOptions): Promise<void> {
    const sent = digestOf(body);
    await this.commit(key, opts, async (tmp) => {
      const fh = await open(tmp, 'wx');
      try {
        await fh.writeFile(body);
        await fh.sync();
      } finally {
        await fh.close();
      }
      return sent;
    });
  }

  async putFile(key: string, path: string, opts: PutOptions): Promise<void> {
    // Open the source first: a missing one fails here, before any temp file exists (failing inside
    // the pipeline, its cleanup could run before the temp file's own open had created it).
    const source = await open(path, 'r');
    try {
      await this.commit(key, opts, async (tmp) => {
        const digesting = digestingStream();
        // `flush` fsyncs before close, so the rename below never exposes unwritten blocks after a crash.
        await pipeline(source.createReadStream({ autoClose: false, start: 0 }), digesting.transform, createWriteStream(tmp, { flags: 'wx', flush: true }));
        return digesting.done();
      });
    } finally {
      await source.close();
    }
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject | null> {
    const path = this.pathOf(key);
    // One open handle for metadata and body, so a concurrent replace cannot mix old and new.
    const fh = await open(path, 'r').catch(nullIfMissing);
    if (!fh) return null;
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) {
        await fh.close();
        return null;
      }
      const info = await this.describe(path, st, () => fh.createReadStream({ start: 0, autoClose: false }));
      return { ...info, body: fh.createReadStream(range ? { start: range.start, end: range.end } : { start: 0 }) };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const path = this.pathOf(key);
    const st = await stat(path, { bigint: true }).catch(nullIfMissing);
    if (!st?.isFile()) return null;
    return this.describe(path, st, () => createReadStream(path));
  }

  async getFile(key: string, destPath: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await copyFile(path, destPath);
    } catch (err) {
      await rm(destPath, { force: true });
      if (isMissing(err) || errnoCode(err) === 'EISDIR') throw new NotFoundError(`Object ${key} not found`, 'OBJECT_NOT_FOUND');
      throw err;
    }
  }

  async copy(from: string, to: string, opts: PutOptions): Promise<void> {
    const source = this.pathOf(from);
    await this.putFile(to, source, opts);
  }

  /** A rename: the bytes stay where the disk has them; the new key's sidecar keeps their ETag (and inode) with the new type. */
  async move(from: string, to: string, opts: MoveOptions): Promise<void> {
    const [source, path] = [this.pathOf(from), this.pathOf(to)];
    const st = await stat(source, { bigint: true }).catch(nullIfMissing);
    if (!st?.isFile()) throw new NotFoundError(`Object ${from} not found`, 'OBJECT_NOT_FOUND');
    const { etag } = await this.describe(source, st, () => createReadStream(source));
    if (opts.ifMatch !== undefined && etag !== opts.ifMatch) throw new ObjectChangedError(from);
    const sidecar: Sidecar = { etag, contentType: opts.contentType, size: Number(st.size), ino: st.ino.toString(), ...cacheControlOf(opts as Sidecar) };
    const metaTmp = join(dirname(path), `.tmp-${randomBytes(8).toString('hex')}.meta`);
    try {
      await this.inFreshDir(dirname(path), metaTmp, () => writeFile(metaTmp, JSON.stringify(sidecar), { flag: 'wx' }));
      await rename(source, path);
      await rename(metaTmp, sidecarPath(path));
      await fsyncDir(dirname(path));
    } finally {
      await rm(metaTmp, { force: true });
    }
    await unlink(sidecarPath(source)).catch(ignoreCodes('ENOENT'));
    await this.pruneEmptyDirs(dirname(source));
  }

  /**
   * Walks the tree one directory at a time, each directory's names sorted (so `startAfter`, compared
   * segment by segment, resumes where a listing stopped); the driver's dot-files are never listed.
   * Memory: the names of one directory (`_originals/` holds one per image, ~60 bytes each).
   */
  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ListedObject> {
    const start = options.startAfter ? options.startAfter.split('/') : null;
    yield* this.walk([], prefix, start);
  }

  private async *walk(segments: string[], prefix: string, start: string[] | null): AsyncGenerator<ListedObject> {
    const dir = join(this.rootDir, ...segments);
    const entries = (await readdir(dir, { withFileTypes: true }).catch(emptyIfMissing)).filter((e) => !e.name.startsWith('.'));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = [...segments, entry.name];
      const key = path.join('/');
      if (entry.isDirectory()) {
        const within = `${key}/`;
        if (!within.startsWith(prefix) && !prefix.startsWith(within)) continue;
        if (start && compareSegments(path, start.slice(0, path.length)) < 0) continue; // wholly before the cursor
        yield* this.walk(path, prefix, start);
      } else if (entry.isFile() && key.startsWith(prefix) && !(start && compareSegments(path, start) <= 0)) {
        const st = await stat(join(dir, entry.name)).catch(nullIfMissing);
        if (st) yield { key, size: st.size, lastModified: st.mtime };
      }
    }
  }

  /**
   * The driver's own files left by a crash, last changed before `olderThan`: temp files of writes that
   * never finished (`.tmp-*`), probes, and sidecars whose object is gone. Remove them with removeLeftover.
   */
  async *leftovers(olderThan: Date): AsyncIterable<LeftoverFile> {
    const dirs = [this.rootDir];
    for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
      const entries = await readdir(dir, { withFileTypes: true }).catch(emptyIfMissing);
      const names = new Set(entries.map((e) => e.name));
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && !entry.name.startsWith('.')) dirs.push(path);
        if (!entry.isFile() || !entry.name.startsWith('.')) continue;
        const sidecarOf = SIDECAR_NAME.exec(entry.name)?.[1];
        const leftover = TEMP_NAME.test(entry.name) || (sidecarOf !== undefined && !names.has(sidecarOf));
        if (!leftover) continue;
        const st = await stat(path).catch(nullIfMissing);
        if (st && st.mtime < olderThan) yield { path, size: st.size, lastModified: st.mtime };
      }
    }
  }

  /** Removes a file leftovers() named (nothing outside the root). */
  async removeLeftover(path: string): Promise<void> {
    const resolved = resolve(path);
    if (!resolved.startsWith(`${this.rootDir}/`) || !basename(resolved).startsWith('.')) throw new Error(`${path} is not a leftover of this store`);
    await rm(resolved, { force: true });
  }

  async delete(keys: readonly string[]): Promise<void> {
    const paths = keys.map((key) => this.pathOf(key));
    await Promise.all(
      paths.map(async (path) => {
        await unlink(path).catch(ignoreCodes('ENOENT', 'ENOTDIR', 'EISDIR'));
        await unlink(sidecarPath(path)).catch(ignoreCodes('ENOENT', 'ENOTDIR'));
        await this.pruneEmptyDirs(dirname(path));
      }),
    );
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.rootDir, ...key.split('/'));
  }

  /**
   * Writes a temp file in the target directory, reads it back and compares it with what was written
   * (size and MD5: a short write or a bad disk shows here, not when the object is served), then
   * renames data and sidecar into place.
   */
  private async commit(key: string, opts: PutOptions, writeTemp: (tmp: string) => Promise<Digest>): Promise<void> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    const tmp = join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
    const metaTmp = `${tmp}.meta`;
    try {
      let written: Digest | undefined;
      await writeVerified(
        `Object "${key}"`,
        async () => {
          await rm(tmp, { force: true });
          written = await this.inFreshDir(dir, tmp, () => writeTemp(tmp));
          return compareDigests(await md5File(tmp), written);
        },
        () => rm(tmp, { force: true }),
      );
      const { ino, size } = await stat(tmp, { bigint: true });
      const sidecar: Sidecar = { etag: `"${written!.md5Hex}"`, contentType: opts.contentType, size: Number(size), ino: ino.toString() };
      if (opts.cacheControl !== undefined) sidecar.cacheControl = opts.cacheControl;
      await writeFile(metaTmp, JSON.stringify(sidecar), { flag: 'wx' });
      // The data rename is the commit point; a crash before the sidecar's rename leaves a stale
      // sidecar that describe() detects by inode and recomputes around.
      await rename(tmp, path);
      await rename(metaTmp, sidecarPath(path));
      await fsyncDir(dir);
    } finally {
      await Promise.all([rm(tmp, { force: true }), rm(metaTmp, { force: true })]);
    }
  }

  /** Creates `dir` and runs `write`, again if a concurrent delete pruned the directory in between. */
  private async inFreshDir<T>(dir: string, tmp: string, write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await mkdir(dir, { recursive: true });
      try {
        return await write();
      } catch (err) {
        const prunedUnderUs = errnoCode(err) === 'ENOENT' && (err as NodeJS.ErrnoException).path === tmp;
        if (!prunedUnderUs || attempt >= 3) throw err;
      }
    }
  }

  private async describe(path: string, st: BigIntStats, readAll: () => Readable): Promise<ObjectInfo> {
    const sidecar = await readSidecar(path);
    const size = Number(st.size);
    const base = { size, lastModified: st.mtime };
    if (sidecar && sidecar.ino === st.ino.toString() && sidecar.size === size) {
      return { ...base, etag: sidecar.etag, contentType: sidecar.contentType, ...cacheControlOf(sidecar) };
    }
    // Stale or missing sidecar (crash between the two renames, or two writers racing): the bytes are
    // still right, so derive the ETag from them; the type is whatever this key's sidecar last said.
    const hash = createHash('md5');
    for await (const chunk of readAll()) hash.update(chunk as Buffer);
    return { ...base, etag: `"${hash.digest('hex')}"`, contentType: sidecar?.contentType ?? FALLBACK_CONTENT_TYPE, ...cacheControlOf(sidecar) };
  }

  private async pruneEmptyDirs(dir: string): Promise<void> {
    for (let current = dir; current !== this.rootDir && current.startsWith(this.rootDir); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty, already gone, or not ours to remove: stop climbing
      }
    }
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
