/**
 * The kit's weight in an app's bundle: each entry of packages/* (built in packages/<name>/dist)
 * bundled with rolldown, minified, gzipped at level 9, with React and Next left out (the app has
 * them). `@optimage/client` without its upload part must stay within 3 KB. Prints one line per
 * entry; exits 1 over budget. `npm run size:packages`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rolldown } from 'rolldown';

export const CLIENT_CORE_BUDGET = 3 * 1024;

const dist = (pkg: string, file = 'index.js') => JSON.stringify(resolve('packages', pkg, 'dist', file));

/** What an app imports, as one module each. */
export const ENTRIES: Record<string, string> = {
  '@optimage/client (without upload)': `export { SIZES, sizeFor, url, srcset, transform, imageProps, watch } from ${dist('client')};`,
  '@optimage/client (all, with upload)': `export * from ${dist('client')};`,
  '@optimage/react': `export * from ${dist('react')};`,
  '@optimage/react/client': `export * from ${dist('react', 'client.js')};`,
  '@optimage/next/loader': `export { default } from ${dist('next', 'loader.js')};`,
};

export async function measurePackages(): Promise<{ entry: string; bytes: number; gzip: number }[]> {
  const dir = await mkdtemp(join(tmpdir(), 'optimage-size-'));
  try {
    const out = [];
    for (const [entry, source] of Object.entries(ENTRIES)) {
      const file = join(dir, 'entry.js');
      await writeFile(file, source);
      const bundle = await rolldown({ input: file, external: [/^react(\/|$)/, /^next(\/|$)/], logLevel: 'silent' });
      const { output } = await bundle.generate({ format: 'esm', minify: true });
      await bundle.close();
      const code = output.map((c) => ('code' in c ? c.code : '')).join('');
      out.push({ entry, bytes: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length });
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
  const sizes = await measurePackages();
  for (const s of sizes) console.log(`${s.entry.padEnd(40)} ${kb(s.bytes).padStart(10)} ${kb(s.gzip).padStart(10)} gzip`);
  const core = sizes[0]!;
  console.log(`budget: @optimage/client without upload ≤ ${kb(CLIENT_CORE_BUDGET)} gzip`);
  if (core.gzip > CLIENT_CORE_BUDGET) {
    console.error(`size:packages: over budget by ${kb(core.gzip - CLIENT_CORE_BUDGET)}`);
    process.exit(1);
  }
}
