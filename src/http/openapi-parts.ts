/** Building blocks of the OpenAPI document, shared by its files. */
export const error = (description: string, code: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: { message: description, code } } },
});
export const json = (schema: object, description: string, example?: unknown) => ({
  description,
  content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
});
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A required JSON request body of `schema`. */
export const body = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
export const unauthorized = error('Not authenticated', 'UNAUTHENTICATED');
export const idParam = (name: string, example: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, example });

/** The quota headers of a response that used (or checked) the monthly quota. */
export function rateLimitHeaders() {
  return {
    'RateLimit-Limit': { schema: { type: 'integer' } },
    'RateLimit-Remaining': { schema: { type: 'integer' } },
    'RateLimit-Reset': { schema: { type: 'integer' }, description: 'Seconds until the quota resets' },
  };
}
