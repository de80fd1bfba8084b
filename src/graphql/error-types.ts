/** The GraphQL face of AppError: mutations return `Result = Payload | AppError` (Pothos errors plugin). */
import { GraphQLUpload } from 'graphql-upload-minimal';
import { AppError } from '../errors.ts';
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

builder.addScalarType('Upload', GraphQLUpload);

builder.queryType({});
builder.mutationType({});

/** What a delete or revoke mutation returns: the id that is gone. */
export const DeletedRef = builder.objectRef<{ id: string }>('Deleted').implement({
  fields: (t) => ({ id: t.exposeID('id') }),
});
