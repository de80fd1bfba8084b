/**
 * The GraphQL multipart request spec (github.com/jaydenseric/graphql-multipart-request-spec), read
 * with the same multipart reader as REST: `operations` (JSON), `map` (JSON: file part → variable
 * paths) and one file part. The file is spooled before Yoga runs, and put into the variables as an
 * `Upload` value, so resolvers get a whole, hashed file and Yoga never touches the body.
 */
import type { IncomingMessage } from 'node:http';
import { ValidationError } from '../errors.ts';
import { SpooledFile, type UploadValue } from '../storage/spool.ts';
import { readMultipart, type MultipartOptions } from './multipart.ts';

export interface GraphQLParams {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

export interface GraphQLUploadRequest {
  params: GraphQLParams;
  /** The spooled file, for the edge to discard once the response is sent (whatever used it). */
  spooled: SpooledFile | null;
}

export async function readGraphQLMultipart(req: IncomingMessage, options: Omit<MultipartOptions, 'fileField'>): Promise<GraphQLUploadRequest> {
  const { fields, file } = await readMultipart(req, options);
  const spooled = file?.upload instanceof SpooledFile ? file.upload : null;
  try {
    const params = parseJsonField(fields.operations, 'operations');
    if (Array.isArray(params)) throw new ValidationError('Batched operations are not supported in multipart requests: send one operation', 'INVALID_MULTIPART');
    if (typeof params !== 'object' || params === null || typeof (params as GraphQLParams).query !== 'string') {
      throw new ValidationError('The "operations" field must be a JSON object with a "query" string', 'INVALID_MULTIPART');
    }
    const map = parseJsonField(fields.map, 'map');
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      throw new ValidationError('The "map" field must be a JSON object from file part names to arrays of variable paths', 'INVALID_MULTIPART');
    }
    const entries = Object.entries(map as Record<string, unknown>);
    if (entries.length > 1) throw new ValidationError('Send one file per request', 'TOO_MANY_FILES');
    for (const [name, paths] of entries) {
      if (!file || file.field !== name) {
        throw new ValidationError(`The "map" names the file part "${name}", but the request has no file part of that name`, 'FILE_MISSING');
      }
      if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string')) {
        throw new ValidationError(`The "map" entry "${name}" must be a non-empty array of paths such as "variables.file"`, 'INVALID_MULTIPART');
      }
      for (const path of paths as string[]) place(params as GraphQLParams, path, file.upload);
    }
    return { params: params as GraphQLParams, spooled };
  } catch (err) {
    await spooled?.discard();
    throw err;
  }
}

function parseJsonField(value: string | undefined, name: string): unknown {
  if (value === undefined) throw new ValidationError(`The multipart request has no "${name}" field (GraphQL multipart request spec: operations, map, then the file)`, 'INVALID_MULTIPART');
  try {
    return JSON.parse(value);
  } catch {
    throw new ValidationError(`The "${name}" field is not valid JSON`, 'INVALID_MULTIPART');
  }
}

/** Sets `variables.a.0.b` in the operation to the upload; the path must lead to a placeholder. */
function place(params: GraphQLParams, path: string, upload: UploadValue): void {
  const [root, ...keys] = path.split('.');
  if (root !== 'variables' || keys.length === 0) {
    throw new ValidationError(`The map path "${path}" must point into the variables, e.g. "variables.file"`, 'INVALID_MULTIPART');
  }
  let target: unknown = (params.variables ??= {});
  for (const [i, key] of keys.entries()) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype' || typeof target !== 'object' || target === null) break;
    const container = target as Record<string, unknown>;
    if (i === keys.length - 1) {
      if (!(key in container) || container[key] !== null) break;
      container[key] = upload;
      return;
    }
    target = container[key];
  }
  throw new ValidationError(`The map path "${path}" does not name a null placeholder in the operation's variables`, 'INVALID_MULTIPART');
}
