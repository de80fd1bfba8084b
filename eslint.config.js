import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', '.tmp/', 'src/graphql/generated/', 'test/generated/', 'web/src/generated/'] },
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
  // the dashboard runs in browsers (and a Web Worker), not in Node
  { files: ['web/src/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['src/config.ts', 'test/**', 'scripts/**', 'bench/**', 'vitest.config.ts', 'codegen.ts'], rules: { 'no-restricted-properties': 'off' } },
);
