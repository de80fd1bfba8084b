import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { noRoomCycle } from './eslint/room-cycles.js';

/**
 * DESIGN.md's arrows, checked: main → app → http → modules → graphql/, db/, storage/, jobs/,
 * events/, config, errors, with auth/ (the Actor) and adapter/ (the REST contract) below them all.
 * Type-only imports count for the layers too; a cycle between rooms fails as well (eslint/room-cycles.js).
 */
const plumbing = ['./src/db', './src/storage', './src/jobs', './src/events'];
const belowHttp = ['./src/modules', './src/graphql', './src/auth', './src/adapter', ...plumbing, './src/config.ts', './src/errors.ts', './src/logger.ts', './src/clock.ts', './src/schema.ts', './src/services.ts'];
const top = ['./src/app.ts', './src/main.ts', './src/cli'];

export const architectureRules = {
  'import-x/no-cycle': ['error', { ignoreExternal: true }],
  // no loop between rooms either (eslint/room-cycles.js), even when no file loops
  'optimage/no-room-cycle': 'error',
  'import-x/no-restricted-paths': [
    'error',
    {
      zones: [
        { target: belowHttp, from: top, message: 'Only main and app wire the service; nothing below them imports them.' },
        { target: belowHttp, from: './src/http', message: 'Nothing below http/ imports from http/ (the REST contract the modules implement is adapter/rest-route.ts).' },
        { target: plumbing, from: ['./src/modules', './src/graphql', './src/services.ts', './src/schema.ts'], message: 'Plumbing (db, storage, jobs, events) knows no domain module.' },
        { target: './src/graphql', from: ['./src/modules', './src/services.ts'], message: 'graphql/ is the ground the modules stand on: it imports no module (services.ts fills in the context by declaration merging).' },
        { target: ['./src/auth', './src/adapter'], from: ['./src/modules', './src/graphql', './src/http', './src/services.ts'], message: 'auth/ (the Actor) and adapter/ (the REST contract) are the ground floor: they import no room above them.' },
        { target: './src/modules/images', from: './src/modules/processing', message: 'Processing uses images (its vocabulary and lifecycle), never the other way round.' },
      ],
    },
  ],
  'no-restricted-imports': [
    'error',
    { patterns: [{ group: ['../*/*.schema.ts', '../*/*.rest.ts'], message: "A module never imports another module's GraphQL or REST adapter: use its service." }] },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', '.tmp/', 'src/graphql/generated/', 'test/generated/', 'web/src/generated/', 'packages/*/dist/', 'wasm/' /* AssemblyScript: asc checks it (npm run build:wasm) */] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.ts only.' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX, optimage: { rules: { 'no-room-cycle': noRoomCycle } } },
    // without a parser for .ts dependencies import-x cannot read them, and no-cycle finds nothing
    settings: { 'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] }, 'import-x/extensions': ['.ts', '.js'] },
    rules: architectureRules,
  },
  // the dashboard runs in browsers (and a Web Worker), not in Node
  { files: ['web/src/**'], languageOptions: { globals: { ...globals.browser } } },
  // the kit runs in browsers and on servers; it knows the API, never src/ (DESIGN.md)
  {
    files: ['packages/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/*', '../../../*'], message: 'The kit is a client of the API, not of the server code.' }] }] },
  },
  { files: ['src/config.ts', 'test/**', 'scripts/**', 'bench/**', 'vitest.config.ts', 'codegen.ts'], rules: { 'no-restricted-properties': 'off' } },
);
