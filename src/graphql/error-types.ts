/**
 * The GraphQL face of AppError: mutations return `Result = Payload | <error types>` (Pothos errors
 * plugin), every error type implements `Error { message, code }`, and the types a client acts on
 * carry their details. The most specific class comes first in the builder's defaultTypes.
 */
import { GraphQLError } from 'graphql';
import { ERROR_CODES } from '../error-codes.ts';
import { AppError, ConflictError, NotFoundError, QuotaExceededError, ValidationError } from '../errors.ts';
import { RefusedUpload, SpooledFile, type UploadValue } from '../storage/spool.ts';
import { builder } from './builder.ts';

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Why an operation was rejected. New codes may be added; treat unknown ones like their error type.',
  values: Object.fromEntries(Object.entries(ERROR_CODES).map(([code, description]) => [code, { value: code, description }])) as {
    [K in keyof typeof ERROR_CODES]: { value: K; description: string };
  },
});

export const ErrorInterface = builder.interfaceRef<AppError>('Error').implement({
  description: 'A rejected operation: a stable machine-readable code and a human-readable message.',
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.field({ type: ErrorCodeEnum, resolve: (error) => error.code }),
  }),
});

builder.objectType(AppError, {
  name: 'AppError',
  description: 'Any other rejected operation (forbidden, too large, throttled, …): switch on code.',
  interfaces: [ErrorInterface],
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'An input was wrong; field names it when one input is to blame.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ field: t.exposeString('field', { nullable: true }) }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'The object does not exist, or belongs to someone else.',
  interfaces: [ErrorInterface],
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'The request conflicts with existing data (an email or slug already taken).',
  interfaces: [ErrorInterface],
});

builder.objectType(QuotaExceededError, {
  name: 'QuotaExceededError',
  description: "This month's upload quota is used up.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    limit: t.exposeInt('limit', { description: 'Uploads a month on the current plan.' }),
    resetsAt: t.expose('resetsAt', { type: 'DateTime', description: 'When uploads are possible again.' }),
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
