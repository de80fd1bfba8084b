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
export const unauthorized = error('Not authenticated', 'UNAUTHENTICATED');
export const idParam = (name: string, example: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, example });
