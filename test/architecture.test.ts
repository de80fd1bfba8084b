/**
 * DESIGN.md's import arrows are a lint rule (eslint.config.js: architectureRules), so the next cycle
 * fails `npm test`. Here: violations planted in a scratch corner of src/ are each reported by the
 * rule that names them, and the real tree has none.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const RULES = ['import-x/no-cycle', 'import-x/no-restricted-paths', 'no-restricted-imports', 'optimage/no-room-cycle'];

/** Writes the files (paths relative to the repo), lints them, removes them; the rule ids per file. */
async function lintPlanted(files: Record<string, string>): Promise<Record<string, string[]>> {
  const paths = Object.keys(files).map((p) => join(root, p));
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const results = await new ESLint({ cwd: root }).lintFiles(paths);
    return Object.fromEntries(results.map((r) => [r.filePath.slice(root.length + 1), r.messages.map((m) => m.ruleId ?? m.message).filter((id) => RULES.includes(id))]));
  } finally {
    for (const path of paths) await rm(path, { force: true });
    for (const path of new Set(Object.keys(files).map((p) => p.split('/').slice(0, 3).join('/')))) {
      if (path.includes('planted')) await rm(join(root, path), { recursive: true, force: true });
    }
  }
}

const id = `planted${process.pid}`;

describe('import arrows', () => {
  it('a runtime cycle between two modules fails lint', async () => {
    const found = await lintPlanted({
      [`src/modules/${id}a/a.ts`]: `import { b } from '../${id}b/b.ts';\nexport const a = () => b();\n`,
      [`src/modules/${id}b/b.ts`]: `import { a } from '../${id}a/a.ts';\nexport const b = (): unknown => a;\n`,
    });
    expect(found[`src/modules/${id}a/a.ts`]).toContain('import-x/no-cycle');
    expect(found[`src/modules/${id}b/b.ts`]).toContain('import-x/no-cycle');
  });

  it('a cycle between rooms fails lint even when no file loops (a → b → c → a, through three modules)', async () => {
    const found = await lintPlanted({
      [`src/modules/${id}a/a.ts`]: `import { b } from '../${id}b/b.ts';\nexport const a = () => b();\n`,
      [`src/modules/${id}b/b.ts`]: `import { c } from '../${id}c/c.ts';\nexport const b = () => c();\n`,
      [`src/modules/${id}c/c.ts`]: `import { x } from '../${id}a/x.ts';\nexport const c = () => x();\n`,
      // x uses something above the ground floor, so it is not mere vocabulary
      [`src/modules/${id}a/x.ts`]: `import type { Services } from '../../services.ts';\nexport const x = (s?: Services) => s;\n`,
    });
    expect(found[`src/modules/${id}a/a.ts`]).toEqual(['optimage/no-room-cycle']);
    expect(found[`src/modules/${id}b/b.ts`]).toEqual(['optimage/no-room-cycle']);
    expect(found[`src/modules/${id}c/c.ts`]).toEqual(['optimage/no-room-cycle']);
  });

  it('graphql/ importing services.ts (the old modules → graphql → services.ts → modules loop) fails lint', async () => {
    const found = await lintPlanted({ [`src/graphql/${id}.ts`]: `import type { Services } from '../services.ts';\nexport type S = Services;\n` });
    expect(found[`src/graphql/${id}.ts`]).toContain('import-x/no-restricted-paths');
    expect(found[`src/graphql/${id}.ts`]).toContain('optimage/no-room-cycle');
  });

  it("a module importing another module's GraphQL or REST adapter fails lint", async () => {
    const found = await lintPlanted({
      [`src/modules/${id}c/c.ts`]: `import { ImageRef } from '../images/images.schema.ts';\nimport { imageJson } from '../images/images.rest.ts';\nexport const c = [ImageRef, imageJson];\n`,
    });
    expect(found[`src/modules/${id}c/c.ts`]).toEqual(['no-restricted-imports', 'no-restricted-imports']);
  });

  it('plumbing importing a domain module, or a module importing the HTTP edge, fails lint', async () => {
    const found = await lintPlanted({
      [`src/storage/${id}.ts`]: `import { slugFromFilename } from '../modules/images/slug.ts';\nexport const s = slugFromFilename;\n`,
      [`src/modules/${id}d/d.ts`]: `import { openHttpEdge } from '../../http/server.ts';\nexport const d = openHttpEdge;\n`,
      [`src/modules/${id}d/e.ts`]: `import { ImageProcessor } from '../processing/image-processor.ts';\nexport const e = ImageProcessor;\n`,
    });
    // and it closes a loop: images stand on storage/
    expect(found[`src/storage/${id}.ts`]!.sort()).toEqual(['import-x/no-restricted-paths', 'optimage/no-room-cycle']);
    expect(found[`src/modules/${id}d/d.ts`]).toEqual(['import-x/no-restricted-paths']);
    expect(found[`src/modules/${id}d/e.ts`]).toEqual([]); // processing may be used by other modules; only images may not
  });

  it('the images module never imports processing (processing depends on images)', async () => {
    const found = await lintPlanted({ [`src/modules/images/${id}.ts`]: `import { planVariants } from '../processing/variant-plan.ts';\nexport const p = planVariants;\n` });
    expect(found[`src/modules/images/${id}.ts`]!.sort()).toEqual(['import-x/no-restricted-paths', 'optimage/no-room-cycle']);
  });

  it('the real tree has no cycle and no arrow pointing up', async () => {
    const results = await new ESLint({ cwd: root }).lintFiles(['src']);
    const violations = results.flatMap((r) => r.messages.filter((m) => RULES.includes(m.ruleId ?? '')).map((m) => `${r.filePath}: ${m.message}`));
    expect(violations).toEqual([]);
    expect(results.length).toBeGreaterThan(60);
  });
});
