/**
 * Generates the API references in docs/ from their sources, so they cannot drift:
 * - docs/reference/rest.md from the OpenAPI document (src/http/openapi.ts, served at /api/v1/openapi.json);
 * - docs/reference/graphql.md from the printed SDL (schema/schema.graphql).
 *   node dist/scripts/docs-reference.js           writes both (npm run docs:reference)
 *   node dist/scripts/docs-reference.js --check   exits 1 when a committed file is stale
 * test/ship-docs.test.ts fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../src/http/openapi.ts';
import { renderGraphqlReference } from './docs-graphql.ts';
import { renderRestReference, type OpenApiLike } from './docs-rest.ts';

export const REFERENCE_FILES = {
  // as served: the JSON of the document
  'docs/reference/rest.md': () => renderRestReference(JSON.parse(JSON.stringify(openApiDocument('http://127.0.0.1:3000'))) as OpenApiLike),
  'docs/reference/graphql.md': () => renderGraphqlReference(readFileSync('schema/schema.graphql', 'utf8')),
} as const;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  let stale = false;
  for (const [path, render] of Object.entries(REFERENCE_FILES)) {
    const text = render();
    if (check) {
      let committed = '';
      try {
        committed = readFileSync(path, 'utf8');
      } catch {
        // missing counts as stale
      }
      if (committed !== text) {
        console.error(`docs: ${path} is stale; run \`npm run docs:reference\` and commit it`);
        stale = true;
      }
    } else {
      writeFileSync(path, text);
      console.log(`docs: wrote ${path}`);
    }
  }
  if (stale) process.exit(1);
}
