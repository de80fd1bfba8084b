import type { CodegenConfig } from '@graphql-codegen/cli';

const typed = { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', Upload: 'File' } };

/** Typed documents from the committed SDL: schema/operations/ for tests and clients, web/src/graphql/ for the dashboard. */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  ignoreNoDocuments: false,
  generates: {
    'test/generated/': {
      documents: ['schema/operations/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: typed,
    },
    'web/src/generated/': {
      documents: ['web/src/graphql/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: typed,
    },
    // Apollo Client's possibleTypes: which types implement Node and Error and make up each result union
    'test/generated/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3, useExplicitTyping: true },
    },
  },
  hooks: {},
  emitLegacyCommonJSImports: false,
};

export default config;
