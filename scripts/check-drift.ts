/**
 * Fails when a generated file no longer matches its source: the printed SDL vs the code, and the
 * codegen output (test/generated/ for the tests, web/src/generated/ for the dashboard) vs the SDL and
 * operations; the API references in docs/reference/; and the runtime settings of every production start path vs scripts/runtime-env.ts.
 * (Migrations vs entities is checked by test/migrations.test.ts, which needs a database.)
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { printSortedSchema } from '../src/schema.ts';
import { REFERENCE_FILES } from './docs-reference.ts';
import { RUNTIME_ENV, RUNTIME_ENV_PREFIX } from './runtime-env.ts';

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

// the API references in docs/reference/ are made from the OpenAPI document and the SDL
for (const [path, render] of Object.entries(REFERENCE_FILES)) {
  if ((await readFile(path, 'utf8').catch(() => '')) !== render()) {
    console.error(`drift: ${path} is stale; run \`npm run docs:reference\` and commit it`);
    failed = true;
  }
}

// npm start, npm run worker, the Docker image and the compose file start with the same settings
const scripts = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
for (const name of ['start', 'worker']) {
  if (!scripts[name]?.includes(`${RUNTIME_ENV_PREFIX} node `)) {
    console.error(`drift: package.json's "${name}" script must run node with ${RUNTIME_ENV_PREFIX} (scripts/runtime-env.ts)`);
    failed = true;
  }
}
const dockerfile = await readFile('Dockerfile', 'utf8');
const compose = await readFile('deploy/compose.yaml', 'utf8');
for (const [key, value] of Object.entries(RUNTIME_ENV)) {
  if (!new RegExp(`^\\s+${key}=${value}(\\s|$)`, 'm').test(dockerfile)) {
    console.error(`drift: the Dockerfile must set ENV ${key}=${value} (scripts/runtime-env.ts)`);
    failed = true;
  }
  if (!new RegExp(`^\\s+${key}: "?${value}"?$`, 'm').test(compose)) {
    console.error(`drift: deploy/compose.yaml must set ${key}: ${value} (scripts/runtime-env.ts)`);
    failed = true;
  }
}
if (failed) process.exit(1);
console.log('drift: schema, codegen output and runtime settings are up to date');
