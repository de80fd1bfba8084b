/**
 * apollo-upload-client 20 types itself with JSDoc in .mjs files, which TypeScript reads only with
 * allowJs; this states the one export the tests use, with the options they pass.
 */
declare module 'apollo-upload-client/UploadHttpLink.mjs' {
  import { ApolloLink, type HttpLink } from '@apollo/client';

  export default class UploadHttpLink extends ApolloLink {
    constructor(options?: Pick<HttpLink.Options, 'uri' | 'headers' | 'credentials' | 'fetch' | 'fetchOptions'>);
  }
}
