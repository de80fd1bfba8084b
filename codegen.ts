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
  },
  hooks: {},
  emitLegacyCommonJSImports: false,
};

export default config;
