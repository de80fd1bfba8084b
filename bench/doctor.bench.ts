/**
 * `npm run bench:doctor`: how long the doctor takes on a planted library — BENCH_DOCTOR_IMAGES ready
 * images (default 2,000) with their 12 WebP variants and original each, on local storage, plus a few
 * orphans and missing files — for a whole report (the CLI) and for one bounded periodic sweep run.
 * Rows go in by SQL and files through the store, so no photo is processed.
 */
import { chmod, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { createLogger } from '../src/logger.ts';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { originalKey, variantKey } from '../src/modules/images/variant-urls.ts';
import { SWEEP_BOUNDS } from '../src/modules/maintenance/doctor-sweep.ts';
import { measure } from './measure.ts';

const IMAGES = Number(process.env.BENCH_DOCTOR_IMAGES ?? 2000);
const ORPHANS = 20;
const MISSING = 10;
const PUTS_IN_FLIGHT = 32;

const dir = await mkdtemp(join(tmpdir(), 'optimage-bench-doctor-'));
await chmod(dir, 0o755);
const logger = createLogger('warn');
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(join(dir, 'pg'), logger);
const databaseUrl = process.env.DATABASE_URL ?? embedded!.url();
const app = await createApp(loadConfig({ DATA_DIR: dir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }), { role: 'tool', logger });

try {
  const session = await app.services.accounts.signUp({ email: `bench${Date.now()}@example.com`, password: 'benchmark password' });
  const actor = await app.services.actors.forUser(session.user.id);
  const collection = await app.services.collections.create(actor, 'bench');
  const ids = Array.from({ length: IMAGES }, (_, i) => `img_bench${String(i).padStart(8, '0')}`);
  await app.dataSource.query(
    `INSERT INTO images (id, user_id, team_id, collection_id, slug, checksum, status, step, progress, source_format, source_bytes, width, height, ready_at)
     SELECT id, $2, $4, $3, 'photo-' || n, repeat('0', 64), 'ready', 'ACTIVATE', 100, 'jpeg', 1000, 1600, 1200, now()
       FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
    [ids, session.user.id, collection.id, actor.teamId],
  );
  await app.dataSource.query(
    `INSERT INTO image_variants (image_id, size, format, width, height, bytes)
     SELECT i.id, s.size, 'webp', 100, 75, 100 FROM unnest($1::text[]) AS i(id) CROSS JOIN unnest($2::int[]) AS s(size)`,
    [ids, [...VARIANT_SIZES]],
  );
  const keys = ids.flatMap((id, n) => [originalKey(id), ...VARIANT_SIZES.map((size) => variantKey(collection.id, size, `photo-${n + 1}`))]);
  const orphans = Array.from({ length: ORPHANS }, (_, i) => originalKey(`img_orphan${i}`));
  const planting = performance.now();
  for (let i = 0; i < keys.length + orphans.length; i += PUTS_IN_FLIGHT) {
    await Promise.all([...keys, ...orphans].slice(i, i + PUTS_IN_FLIGHT).map((key) => app.store.put(key, Buffer.alloc(100, 7), { contentType: 'image/webp' })));
  }
  const old = new Date(Date.now() - 3 * 3600_000);
  for (const key of [...keys, ...orphans]) await utimes(join(dir, 'storage', key), old, old);
  await app.store.delete(ids.slice(0, MISSING).map((_, n) => variantKey(collection.id, 768, `photo-${n + 1}`)));
  console.log(`planted ${IMAGES} ready images, ${keys.length + ORPHANS} objects (${ORPHANS} orphans, ${MISSING} missing variant files) in ${((performance.now() - planting) / 1000).toFixed(1)} s`);

  const { doctor } = app.services;
  let report = (await doctor.run()).report;
  const whole = await measure(3, async () => (report = (await doctor.run()).report));
  console.log(`whole run (the CLI, no --fix): ${(whole.medianMs / 1000).toFixed(2)} s median of 3, ${(whole.cpuMs / 1000).toFixed(2)} s CPU; ${report.scanned.objects} objects listed, ${report.scanned.images} images checked; found ${report.counts['orphan-object'].found} orphans, ${report.counts['missing-variant'].found} missing`);
  // each check on its own, and the bare listing, to see where the time goes
  if (process.env.BENCH_DOCTOR_PARTS) {
    const { FixBudget, ReportBuilder } = await import('../src/modules/maintenance/findings.ts');
    const { checkOrphanObjects } = await import('../src/modules/maintenance/orphan-objects.ts');
    const { checkMissingVariants } = await import('../src/modules/maintenance/image-checks.ts');
    const { checkTempFiles } = await import('../src/modules/maintenance/temp-files.ts');
    const ctx = () => ({ fix: false, olderThan: new Date(Date.now() - 3600_000), budget: new FixBudget(0), report: new ReportBuilder(false, 0), signal: undefined });
    let t = performance.now();
    await checkOrphanObjects(ctx(), app.dataSource, app.store);
    console.log(`  orphans ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();
    await checkMissingVariants(ctx(), app.dataSource, app.store, {} as never);
    console.log(`  missing ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();
    await checkTempFiles(ctx(), app.dataSource, app.store, { scratchDir: join(dir, 'uploads'), tusDir: join(dir, 'tus') });
    console.log(`  temp files ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();
    let n = 0;
    for await (const _ of app.store.list('')) n++;
    console.log(`  bare listing of ${n}: ${(performance.now() - t).toFixed(0)} ms`);
  }
  const sweep = await measure(3, () => doctor.run({ bounds: { ...SWEEP_BOUNDS, maxFixes: 0 } }));
  console.log(`one bounded sweep run (${SWEEP_BOUNDS.maxObjects} objects, ${SWEEP_BOUNDS.maxImages} images at most): ${(sweep.medianMs / 1000).toFixed(2)} s median of 3`);
} finally {
  await app.close();
  await embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
