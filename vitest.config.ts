import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql ships CJS (main) and ESM (module) builds. Node loads the CJS one for every package;
  // vite would hand our sources the ESM one, and two copies of graphql break instanceof checks.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: two test files at a time keeps the sharp pool and PostgreSQL from starving each other.
    maxWorkers: 2,
    // s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 24's OpenSSL 3 offers
    // only from its legacy provider: without it every truncated listing (over 1000 keys) is a 500.
    execArgv: ['--openssl-legacy-provider'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
