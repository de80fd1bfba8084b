import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed documents for tests and clients, from the committed SDL and schema/operations/*.graphql. */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['schema/operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', Upload: 'File' } },
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
