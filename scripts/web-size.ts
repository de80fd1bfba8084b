/**
 * The dashboard's JavaScript budget: every .js file of the built dashboard (dist/web), gzipped at
 * level 9, against 150 KB. Prints one line per file and the total; exits 1 over budget.
 * GraphiQL is served by Yoga at /graphql, not part of this build, so it is not counted.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 150 * 1024;
const root = 'dist/web';

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat();
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const all = await files(root).catch(() => {
  console.error(`size:web: ${root} is missing; run \`npm run build\``);
  process.exit(1);
});
let totalRaw = 0;
let totalGzip = 0;
for (const file of all.filter((f) => f.endsWith('.js')).sort()) {
  const bytes = await readFile(file);
  const gzip = gzipSync(bytes, { level: 9 }).length;
  totalRaw += bytes.length;
  totalGzip += gzip;
  console.log(`${relative(root, file).padEnd(44)} ${kb(bytes.length).padStart(10)} ${kb(gzip).padStart(10)} gzip`);
}
const css = all.filter((f) => f.endsWith('.css'));
let cssGzip = 0;
for (const file of css) cssGzip += gzipSync(await readFile(file), { level: 9 }).length;
console.log(`${'total JavaScript'.padEnd(44)} ${kb(totalRaw).padStart(10)} ${kb(totalGzip).padStart(10)} gzip (budget ${kb(BUDGET)})`);
console.log(`${'CSS (not in the budget)'.padEnd(44)} ${''.padStart(10)} ${kb(cssGzip).padStart(10)} gzip`);
if (totalGzip > BUDGET) {
  console.error(`size:web: over budget by ${kb(totalGzip - BUDGET)}`);
  process.exit(1);
}
