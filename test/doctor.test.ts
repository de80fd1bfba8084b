/**
 * The doctor (issue 14): each planted inconsistency — orphan objects, a ready image missing a
 * variant file, images stuck without a job, stale temp files — is found without changing anything,
 * repaired with fix, and a second run is clean; nothing younger than the grace age is touched. Also
 * as a real CLI process, on S3 (s3rver), and as the periodic sweep of a worker.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded-postgres.ts';
import type { DoctorCursor } from '../src/modules/maintenance/doctor.ts';
import type { DoctorReport, FindingKind } from '../src/modules/maintenance/findings.ts';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { Client } from './support/http.ts';
import { runMain } from './support/process.ts';
import { s3AppEnv, startS3, type TestS3 } from './support/s3.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const test = appTest({ DOCTOR_INTERVAL: 'off' });
const HOURS_AGO = new Date(Date.now() - 3 * 3600_000);
const WEBP = { contentType: 'image/webp' };

/** Subjects of the report's findings of one kind, sorted. */
const subjects = (report: DoctorReport, kind: FindingKind) =>
  report.findings
    .filter((f) => f.kind === kind)
    .map((f) => f.subject)
    .sort();

const exists = (path: string) => stat(path).then(() => true, () => false);

/** The id of a process that has exited (a scratch file's owner that is gone). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

/** Polls until `check` holds (the repairs of images run as jobs). */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not the case after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cdnStatuses = async (app: TestApp, collection: string, slug: string) =>
  Promise.all(VARIANT_SIZES.map(async (size) => (await fetch(`${app.url}/cdn/${collection}/${size}/${slug}.webp`)).status));

describe('doctor on local storage', () => {
  test('finds every planted inconsistency without changing anything, repairs each with fix, then is clean', async ({ app, alice, collection }) => {
    const root = join(app.dataDir, 'storage');
    const age = (key: string) => utimes(join(root, key), HOURS_AGO, HOURS_AGO);
    const photo = (seed: number) => cameraPhoto({ width: 640, height: 480, seed });

    // a ready image whose 768 px file is lost
    const damaged = await restUpload(alice, await photo(1), { collection, slug: 'damaged' });
    expect(await waitForImage(alice, damaged.body.id)).toMatchObject({ status: 'ready' });
    const lostKey = `${collection}/768/damaged.webp`;
    await app.store.delete([lostKey]);
    // a deleted image whose variant came back (a crash during deletion, say)
    const gone = await restUpload(alice, await photo(2), { collection, slug: 'gone' });
    await waitForImage(alice, gone.body.id);
    expect((await alice.json('DELETE', `/api/v1/images/${gone.body.id}`)).status).toBe(204);
    const goneKey = `${collection}/320/gone.webp`;
    await app.store.put(goneKey, Buffer.from('old'), WEBP);
    await age(goneKey);
    // an original stored just before a crash (no row), and staged outputs of no image
    const orphanOriginal = '_originals/img_crashedbeforeitsrow00';
    const orphanStaged = '_staging/img_neverhadarow000000000/320.webp';
    for (const key of [orphanOriginal, orphanStaged]) {
      await app.store.put(key, Buffer.from('orphan'), WEBP);
      await age(key);
    }
    // the same, but fresh: an upload in flight, never touched
    const freshOriginal = '_originals/img_uploadinflight000000';
    await app.store.put(freshOriginal, Buffer.from('in flight'), WEBP);

    // two images stuck in processing with their jobs gone, one of them without its original
    await app.processing!.pause();
    const stuck = await restUpload(alice, await photo(3), { collection, slug: 'stuck' });
    const hopeless = await restUpload(alice, await photo(4), { collection, slug: 'hopeless' });
    await app.dataSource.query(`DELETE FROM pgboss.job WHERE data->>'imageId' = ANY($1)`, [[stuck.body.id, hopeless.body.id]]);
    await app.dataSource.query(`UPDATE images SET updated_at = now() - interval '3 hours' WHERE id = ANY($1)`, [[stuck.body.id, hopeless.body.id]]);
    await app.store.delete([`_originals/${hopeless.body.id}`]);
    await app.processing!.resume();

    // stale temp files: a spooled upload of a process that is gone, a store temp file; and fresh ones
    const scratchDir = join(app.dataDir, 'uploads');
    const oldSpool = join(scratchDir, `optimage-upload-${await deadPid()}-${randomUUID()}`);
    const freshSpool = join(scratchDir, `optimage-upload-${await deadPid()}-${randomUUID()}`);
    const oldTemp = join(root, collection, '320', '.tmp-00112233445566aa');
    const freshTemp = join(root, collection, '320', '.tmp-ffeeddccbbaa9988');
    for (const file of [oldSpool, freshSpool, oldTemp, freshTemp]) await writeFile(file, 'partial');
    for (const file of [oldSpool, oldTemp]) await utimes(file, HOURS_AGO, HOURS_AGO);

    const { doctor } = app.services;
    const first = (await doctor.run()).report;
    expect(subjects(first, 'orphan-object')).toEqual([goneKey, orphanOriginal, orphanStaged].sort());
    expect(subjects(first, 'missing-variant')).toEqual([damaged.body.id]);
    expect(first.findings.find((f) => f.kind === 'missing-variant')).toMatchObject({ detail: expect.stringContaining('768 px webp'), repairable: true, fixed: false });
    expect(subjects(first, 'stuck-image')).toEqual([stuck.body.id, hopeless.body.id].sort());
    expect(subjects(first, 'stale-temp-file')).toEqual([oldSpool, oldTemp].sort());
    expect(first).toMatchObject({ fix: false, remaining: 8, complete: true });
    expect(first.findings.every((f) => !f.fixed)).toBe(true);
    // nothing changed
    for (const key of [goneKey, orphanOriginal, orphanStaged]) expect(await app.store.head(key)).not.toBeNull();
    expect(await app.store.head(lostKey)).toBeNull();
    for (const file of [oldSpool, oldTemp]) expect(await exists(file)).toBe(true);
    const statuses = await app.dataSource.query(`SELECT id, status FROM images WHERE id = ANY($1) ORDER BY id`, [[stuck.body.id, hopeless.body.id]]);
    expect(statuses.map((r: { status: string }) => r.status)).toEqual(['processing', 'processing']);
    expect((await app.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'imageId' = ANY($1)`, [[stuck.body.id, hopeless.body.id, damaged.body.id]]))[0].n).toBe(1); // damaged's first job

    const fixed = (await doctor.run({ fix: true })).report;
    expect(fixed).toMatchObject({ fix: true, remaining: 0 });
    expect(fixed.findings).toHaveLength(8);
    expect(fixed.findings.every((f) => f.fixed)).toBe(true);
    // orphans and stale files gone, fresh ones kept
    for (const key of [goneKey, orphanOriginal, orphanStaged]) expect(await app.store.head(key)).toBeNull();
    expect(await app.store.head(freshOriginal)).not.toBeNull();
    for (const file of [oldSpool, oldTemp]) expect(await exists(file)).toBe(false);
    for (const file of [freshSpool, freshTemp]) expect(await exists(file)).toBe(true);
    // the stuck image with its original processes to ready; the other fails, saying why
    expect(await waitForImage(alice, stuck.body.id)).toMatchObject({ status: 'ready' });
    expect(await waitForImage(alice, hopeless.body.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/original is no longer stored/) });
    // the damaged image stayed ready throughout and has all 12 files again
    expect((await alice.json<{ status: string }>('GET', `/api/v1/images/${damaged.body.id}`)).body.status).toBe('ready');
    await eventually('the damaged image is rendered again', async () => (await app.dataSource.query(`SELECT reprocess_run_id FROM images WHERE id = $1`, [damaged.body.id]))[0].reprocess_run_id === null);
    expect(await cdnStatuses(app, collection, 'damaged')).toEqual(VARIANT_SIZES.map(() => 200));
    expect(await cdnStatuses(app, collection, 'stuck')).toEqual(VARIANT_SIZES.map(() => 200));

    const again = (await doctor.run()).report;
    expect(again.remaining).toBe(0);
    expect(again.findings).toEqual([]);
  });

  test('named variants and private files: a lost named file is rendered again, a dropped box\'s file and a file at the wrong place are orphans', async ({ app, alice, collection }) => {
    const root = join(app.dataDir, 'storage');
    const age = (key: string) => utimes(join(root, key), HOURS_AGO, HOURS_AGO);
    expect((await alice.json('PATCH', `/api/v1/collections/${collection}`, { variants: [{ name: 'avatar', width: 64, height: 64, fit: 'cover' }] })).status).toBe(200);
    const secret = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Secret' })).body.id;
    expect((await alice.json('PATCH', `/api/v1/collections/${secret}`, { visibility: 'private', variants: [{ name: 'avatar', width: 64, height: 64, fit: 'cover' }] })).status).toBe(200);
    const face = await restUpload(alice, await cameraPhoto({ width: 640, height: 480, seed: 7 }), { collection, slug: 'face' });
    const hidden = await restUpload(alice, await cameraPhoto({ width: 640, height: 480, seed: 8 }), { collection: secret, slug: 'hidden' });
    for (const id of [face.body.id, hidden.body.id]) expect(await waitForImage(alice, id)).toMatchObject({ status: 'ready' });

    // a lost named file, public and private
    const lostNamed = [`${collection}/avatar/face.webp`, `_private/${secret}/avatar/hidden.webp`];
    await app.store.delete(lostNamed);
    // a file of a box the collection no longer has; a public copy of a private image's file; a private copy of a public one's
    const planted = [`${collection}/card/face.webp`, `${secret}/320/hidden.webp`, `${secret}/avatar/hidden.webp`, `_private/${collection}/320/face.webp`];
    for (const key of planted) {
      await app.store.put(key, Buffer.from('stray'), WEBP);
      await age(key);
    }

    const { doctor } = app.services;
    const found = (await doctor.run()).report;
    expect(subjects(found, 'orphan-object')).toEqual([...planted].sort());
    expect(found.findings.find((f) => f.subject === `${secret}/320/hidden.webp`)!.detail).toContain(`a file at the public place of ${hidden.body.id}, whose collection is private`);
    expect(subjects(found, 'missing-variant')).toEqual([face.body.id, hidden.body.id].sort());
    expect(found.findings.find((f) => f.subject === face.body.id)!.detail).toContain('avatar webp');

    // the images are rendered again first; their strays are judged once no job works on them
    const repaired = (await doctor.run({ fix: true })).report;
    expect(repaired.findings.map((f) => [f.kind, f.fixed])).toEqual([['missing-variant', true], ['missing-variant', true]]);
    await eventually('the lost named files are rendered again', async () => (await Promise.all(lostNamed.map((k) => app.store.head(k)))).every((h) => h !== null));
    await eventually('the repairs are over', async () => (await app.dataSource.query(`SELECT count(*)::int AS n FROM images WHERE reprocess_run_id IS NOT NULL`))[0].n === 0);
    const tidied = (await doctor.run({ fix: true })).report;
    expect(subjects(tidied, 'orphan-object')).toEqual([...planted].sort());
    expect(tidied.findings.every((f) => f.fixed)).toBe(true);
    for (const key of planted) expect(await app.store.head(key), key).toBeNull();
    // the private one answers only signed, as before
    expect((await fetch(`${app.url}/cdn/${secret}/avatar/hidden.webp`)).status).toBe(404);
    expect((await doctor.run()).report.findings).toEqual([]);
  });

  test('a ready image whose original is gone as well is reported as not repairable, and fix leaves it', async ({ app, alice, collection }) => {
    const up = await restUpload(alice, await cameraPhoto({ width: 640, height: 480, seed: 5 }), { collection, slug: 'beyond-repair' });
    await waitForImage(alice, up.body.id);
    await app.store.delete([`${collection}/0/beyond-repair.webp`, `_originals/${up.body.id}`]);
    const report = (await app.services.doctor.run({ fix: true })).report;
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'missing-variant', subject: up.body.id, repairable: false, fixed: false, detail: expect.stringMatching(/original is gone too/) })]);
    expect(report.remaining).toBe(1);
    expect((await alice.json('DELETE', `/api/v1/images/${up.body.id}`)).status).toBe(204);
    expect((await app.services.doctor.run()).report.remaining).toBe(0);
  });

  test('a bounded run stops at its limits; the next goes on from its cursor until the listing ends; fixes stop at their cap', async ({ app }) => {
    const keys = Array.from({ length: 5 }, (_, i) => `_originals/img_boundedorphan0000${i}`);
    for (const key of keys) {
      await app.store.put(key, Buffer.from('orphan'), WEBP);
      await utimes(join(app.dataDir, 'storage', key), HOURS_AGO, HOURS_AGO);
    }
    const { doctor } = app.services;
    const seen = new Set<string>();
    let cursor: DoctorCursor = { objectsAfter: null, imagesAfter: null };
    let runs = 0;
    do {
      const run = await doctor.run({ bounds: { maxObjects: 3, maxImages: 1, maxFixes: 0 }, cursor });
      expect(run.report.scanned.objects).toBeLessThanOrEqual(3);
      for (const f of run.report.findings) if (f.kind === 'orphan-object') seen.add(f.subject);
      cursor = run.cursor;
      runs++;
    } while (cursor.objectsAfter !== null && runs < 100);
    expect([...seen].sort()).toEqual(keys);
    expect(runs).toBeGreaterThanOrEqual(2); // 5 keys or more, at most 3 a run

    const capped = (await doctor.run({ fix: true, bounds: { maxObjects: 10_000, maxImages: 10_000, maxFixes: 2 } })).report;
    expect(capped.counts['orphan-object']).toEqual({ found: 5, fixed: 2 });
    expect((await Promise.all(keys.map((k) => app.store.head(k)))).filter((h) => h !== null)).toHaveLength(3);
    expect((await doctor.run({ fix: true })).report.remaining).toBe(0);
  });

  test('the CLI prints a table and one line per finding, --json for machines; exit 1 with findings, 0 when clean, 2 on bad usage', async ({ app }) => {
    const key = '_originals/img_clifoundthisone0000';
    await app.store.put(key, Buffer.from('orphan'), WEBP);
    await utimes(join(app.dataDir, 'storage', key), HOURS_AGO, HOURS_AGO);
    const env = { DATABASE_URL: app.databaseUrl, DATA_DIR: app.dataDir, LOG_LEVEL: 'warn' };
    const cli = async (...args: string[]) => {
      const run = runMain(['doctor', ...args], env);
      return { code: await run.exited, output: run.output() };
    };

    const plain = await cli();
    expect(plain.code).toBe(1);
    expect(plain.output).toMatch(/^orphan-object\s+1\s+0\s+1$/m);
    expect(plain.output).toContain(`orphan-object  ${key}  no image img_clifoundthisone0000 exists`);
    expect(plain.output).toContain('nothing was changed');
    const json = await cli('--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.output) as DoctorReport;
    expect(report.counts['orphan-object']).toEqual({ found: 1, fixed: 0 });
    expect(report.findings[0]).toMatchObject({ kind: 'orphan-object', subject: key, repairable: true, fixed: false });
    expect(await app.store.head(key)).not.toBeNull();

    const fix = await cli('--fix');
    expect(fix.code).toBe(0);
    expect(fix.output).toContain('[fixed: deleted]');
    expect(await app.store.head(key)).toBeNull();
    expect((await cli()).code).toBe(0);
    const bad = await cli('--frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/usage: optimage doctor/);
    expect((await cli('--grace', 'soon')).code).toBe(2);
  });

  test('only one process holds the doctor: exclusive(false) gives way while another connection has the lock', async ({ app }) => {
    const other = new pg.Client({ connectionString: app.databaseUrl });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtextextended('optimage:doctor', 0))`);
      let ran = false;
      expect(await app.services.doctor.exclusive(false, async () => (ran = true))).toBeNull();
      expect(ran).toBe(false);
      await other.query(`SELECT pg_advisory_unlock(hashtextextended('optimage:doctor', 0))`);
      expect(await app.services.doctor.exclusive(false, async () => 'ran')).toBe('ran');
    } finally {
      await other.end();
    }
  });
});

describe('doctor on S3', () => {
  let s3: TestS3;
  let app: TestApp;
  beforeAll(async () => {
    s3 = await startS3({ extraBuckets: ['doctor-originals'] });
    app = await startTestApp({ ...s3AppEnv(s3), S3_ORIGINALS_BUCKET: 'doctor-originals', DOCTOR_INTERVAL: 'off' });
  });
  afterAll(async () => {
    await app?.close();
    await s3?.close();
  });

  it('finds orphans across both buckets through the listing, keeps what images account for, and fix deletes them', async () => {
    const alice = new Client(app.url);
    await alice.signUp();
    const collection = (await alice.json<{ id: string }>('POST', '/api/v1/collections', { name: 'S3 doctor' })).body.id;
    const up = await restUpload(alice, await cameraPhoto({ width: 640, height: 480, seed: 7 }), { collection, slug: 'kept' });
    expect(await waitForImage(alice, up.body.id)).toMatchObject({ status: 'ready' });
    await eventually('the staged outputs are tidied', async () => {
      for await (const _ of app.store.list('_staging/')) return false;
      return true;
    });
    const orphans = ['_originals/img_s3orphan00000000000', `${collection}/320/no-such-image.webp`, `${collection}/0/kept.avif`];
    for (const key of orphans) await app.store.put(key, Buffer.from('orphan'), WEBP);

    // S3 dates cannot be set back: a grace of 0 judges everything
    const found = (await app.services.doctor.run({ graceMs: 0 })).report;
    expect(subjects(found, 'orphan-object')).toEqual([...orphans].sort());
    expect(found.findings.find((f) => f.subject === `${collection}/0/kept.avif`)?.detail).toMatch(/not a variant of the ready image/);
    expect(found.remaining).toBe(3);
    expect(found.scanned.objects).toBe(12 + 1 + 3); // the image's 12 variants and its original, and the orphans

    const fixed = (await app.services.doctor.run({ graceMs: 0, fix: true })).report;
    expect(fixed.remaining).toBe(0);
    for (const key of orphans) expect(await app.store.head(key)).toBeNull();
    expect(await app.store.head(`_originals/${up.body.id}`)).not.toBeNull();
    expect((await app.services.doctor.run({ graceMs: 0 })).report.findings).toEqual([]);
  });
});

describe('periodic sweep', () => {
  it('a worker sweeps every DOCTOR_INTERVAL and removes a stale temp file, counted on its metrics port; it stops with the app', async () => {
    const metricsPort = await freePort();
    const worker = await startTestApp({ DOCTOR_INTERVAL: '1s', METRICS_PORT: String(metricsPort) }, { role: 'worker' });
    let closed = false;
    try {
      const dir = join(worker.dataDir, 'storage', 'col_sweep', '320');
      await mkdir(dir, { recursive: true });
      const stale = join(dir, '.tmp-0a0b0c0d0e0f0a0b');
      const fresh = join(dir, '.tmp-freshfreshfresh0');
      await writeFile(stale, 'partial');
      await writeFile(fresh, 'partial');
      await utimes(stale, HOURS_AGO, HOURS_AGO);
      await eventually('the sweep removes the stale file', async () => !(await exists(stale)));
      expect(await exists(fresh)).toBe(true);
      // found once (later sweeps find nothing): the counter says 1 for its kind, and has no other kind
      // (counted when the sweep's run ends, a moment after the file is gone)
      const findings = async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return [...metrics.matchAll(/^optimage_doctor_findings_total\{kind="([^"]+)"\} (\S+)$/gm)].map((m) => [m[1], Number(m[2])]);
      };
      await eventually('the sweep counts its finding', async () => (await findings()).length > 0);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // at least one more sweep, which finds nothing
      expect(await findings()).toEqual([['stale-temp-file', 1]]);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/api/v1/images`)).status).toBe(404);
      await worker.close();
      closed = true;
    } finally {
      if (!closed) await worker.close();
    }
  });
});
