/** The GraphQL face of AppError: mutations return `Result = Payload | AppError` (Pothos errors plugin). */
import { GraphQLError } from 'graphql';
import { AppError } from '../errors.ts';
import { RefusedUpload, SpooledFile, type UploadValue } from '../storage/spool.ts';
import { builder } from './builder.ts';

builder.objectType(AppError, {
  name: 'AppError',
  description: 'A rejected operation: a stable machine-readable code and a human-readable message.',
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code'),
  }),
});

builder.scalarType('DateTime', {
  description: 'An ISO 8601 timestamp in UTC.',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an ISO 8601 string');
    return date;
  },
});

builder.scalarType('Upload', {
  description: 'A file sent with the GraphQL multipart request spec (operations, map, file part).',
  serialize: () => {
    throw new GraphQLError('Upload is an input-only scalar');
  },
  parseValue: (value): UploadValue => {
    // the HTTP edge puts the file it read into the variables; anything else was not sent as a file
    if (value instanceof SpooledFile || value instanceof RefusedUpload) return value;
    throw new GraphQLError('Upload variables must be sent as files with the GraphQL multipart request spec (operations, map, file)');
  },
  parseLiteral: () => {
    throw new GraphQLError('Upload variables must be sent as files with the GraphQL multipart request spec, not written in the query');
  },
});

builder.queryType({});
builder.mutationType({});

/** What a delete or revoke mutation returns: the id that is gone. */
export const DeletedRef = builder.objectRef<{ id: string }>('Deleted').implement({
  fields: (t) => ({ id: t.exposeID('id') }),
});
