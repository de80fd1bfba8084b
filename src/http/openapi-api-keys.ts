/** OpenAPI paths of API keys (contract §2, §10): scoped, per collection, expiring. */
import { body, error, idParam, json, ref, unauthorized } from './openapi-parts.ts';

export function apiKeyPaths() {
  return {
    '/api/v1/api-keys': {
      get: { summary: 'List API keys (no secrets)', responses: { 200: json({ type: 'array', items: ref('ApiKey') }, 'Keys'), 401: unauthorized } },
      post: {
        summary: 'Create an API key; the secret is shown only in this response',
        requestBody: body({
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, teamId: { type: 'string' }, scopes: { type: 'array', items: ref('KeyScope') }, collections: { type: 'array', items: { type: 'string' } }, expiresAt: { type: 'string', format: 'date-time' } },
        }),
        responses: { 201: json(ref('NewApiKey'), 'Created'), 400: error('Missing name', 'INVALID_NAME'), 401: unauthorized, 403: error('Scopes beyond your role', 'FORBIDDEN') },
      },
    },
    '/api/v1/api-keys/{id}': {
      delete: { summary: 'Revoke an API key', parameters: [idParam('id', 'key_abc')], responses: { 204: { description: 'Revoked' }, 401: unauthorized, 404: error('No such key', 'API_KEY_NOT_FOUND') } },
    },
  };
}

export function apiKeySchemas() {
  return {
    ApiKey: {
      type: 'object',
      required: ['id', 'name', 'prefix', 'createdAt', 'lastUsedAt', 'teamId', 'scopes', 'collections', 'expiresAt'],
      properties: {
        id: { type: 'string', pattern: '^key_' },
        name: { type: 'string' },
        prefix: { type: 'string' },
        createdAt: { type: 'string', format: 'date-time' },
        lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
        teamId: { type: 'string', pattern: '^team_' },
        createdBy: { type: 'string' },
        scopes: { type: 'array', items: ref('KeyScope'), description: "Never more than the creator's current role allows" },
        collections: { type: ['array', 'null'], items: { type: 'string' } },
        expiresAt: { type: ['string', 'null'], format: 'date-time' },
      },
    },
    NewApiKey: { allOf: [ref('ApiKey'), { type: 'object', required: ['key'], properties: { key: { type: 'string', pattern: '^opt_live_' } } }] },
  };
}
