/**
 * Fails when a generated file no longer matches its source: the printed SDL vs the code, and the
 * codegen output (test/generated/ for the tests, web/src/generated/ for the dashboard) vs the SDL and
 * operations. (Migrations vs entities is checked by test/migrations.test.ts, which needs a database.)
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { printSortedSchema } from '../src/schema.ts';

let failed = false;
const committed = await readFile('schema/schema.graphql', 'utf8').catch(() => '');
if (committed !== printSortedSchema()) {
  console.error('drift: schema/schema.graphql differs from the code; run `npm run schema:print` and commit it');
  failed = true;
}
try {
  execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--check'], { stdio: 'pipe' });
} catch (err) {
  const out = err as { stdout?: Buffer; stderr?: Buffer };
  console.error(`drift: test/generated/ or web/src/generated/ is stale; run \`npm run codegen\` and commit it\n${out.stdout ?? ''}${out.stderr ?? ''}`);
  failed = true;
}
if (failed) process.exit(1);
console.log('drift: schema and codegen output are up to date');
