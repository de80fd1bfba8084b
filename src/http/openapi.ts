/**
 * The OpenAPI 3.1 description of the REST API, served at /api/v1/openapi.json. Written once here;
 * test/openapi.test.ts validates real responses of every route against it, so it cannot drift.
 */
import { OUTPUT_FORMATS } from '../modules/images/formats.ts';
import { artSchemas } from './openapi-art.ts';
import { imageSchemas } from './openapi-images.ts';
import { apiKeyPaths, apiKeySchemas } from './openapi-api-keys.ts';
import { directUploadPaths, signedUrlPaths, deliverySchemas } from './openapi-delivery.ts';
import { body, error, idParam, json, rateLimitHeaders, ref, unauthorized } from './openapi-parts.ts';
import { teamPaths, teamSchemas } from './openapi-teams.ts';
import { webhookPaths, webhookSchemas } from './openapi-webhooks.ts';

const imageExample = {
  id: 'img_k3j9x0q2m7a1b5c8d4e6',
  slug: 'beach-sunset',
  collectionId: 'col_abc123',
  checksum: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  status: 'processing',
  createdAt: '2025-12-04T10:30:00.000Z',
  baseUrl: 'https://cdn.example.com',
  src: null,
  srcset: null,
};

export function openApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'optimage REST API',
      version: '1.0.0',
      description:
        'Wire-compatible with the OPTIMAGE Images API. Authenticate with the session cookie (browsers) or `Authorization: Bearer <API key>` (servers). Every error is JSON `{message, code}`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ session: [] }, { apiKey: [] }],
    paths: {
      '/api/v1/auth/signup': {
        post: {
          summary: 'Create an account and start a session',
          security: [],
          requestBody: body(ref('Credentials')),
          responses: { 201: json(ref('User'), 'Signed up; sets the session cookie'), 400: error('Invalid email or password too short', 'WEAK_PASSWORD'), 409: error('Email already registered', 'EMAIL_TAKEN') },
        },
      },
      '/api/v1/auth/login': {
        post: {
          summary: 'Start a session',
          security: [],
          requestBody: body(ref('Credentials')),
          responses: { 200: json(ref('User'), 'Logged in; sets a new session cookie'), 401: error('Invalid email or password', 'INVALID_CREDENTIALS'), 429: error('Too many failed logins', 'LOGIN_THROTTLED') },
        },
      },
      '/api/v1/auth/logout': { post: { summary: 'Revoke the session', security: [], responses: { 204: { description: 'Logged out' } } } },
      '/api/v1/auth/me': { get: { summary: 'The signed-in user', responses: { 200: json(ref('User'), 'The user'), 401: unauthorized } } },
      ...apiKeyPaths(),
      '/api/v1/collections': {
        get: { summary: 'List collections, newest first', responses: { 200: json({ type: 'array', items: ref('Collection') }, 'Collections'), 401: unauthorized } },
        post: {
          summary: 'Create a collection',
          requestBody: body({ type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, teamId: { type: 'string', description: 'Default: the personal team' } } }),
          responses: { 201: json(ref('Collection'), 'Created'), 400: error('Missing or too long name', 'INVALID_NAME'), 401: unauthorized },
        },
      },
      '/api/v1/collections/{id}': {
        get: { summary: 'One collection', parameters: [idParam('id', 'col_abc123')], responses: { 200: json(ref('Collection'), 'The collection'), 401: unauthorized, 404: error('Not found', 'COLLECTION_NOT_FOUND') } },
        patch: {
          summary: 'Rename a collection and/or set its output formats (webp always; avif optional) and quality (1–100 or "auto"), for new uploads and the next reprocess',
          parameters: [idParam('id', 'col_abc123')],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  minProperties: 1,
                  properties: {
                    name: { type: 'string' },
                    formats: { type: 'array', items: { enum: [...OUTPUT_FORMATS] }, contains: { const: 'webp' } },
                    variants: { type: 'array', maxItems: 20, items: ref('NamedVariant') },
                    metadata: { enum: ['none', 'copyright'] },
                    colorProfile: { enum: ['srgb', 'wide'] },
                    quality: { oneOf: [{ type: 'integer', minimum: 1, maximum: 100 }, { const: 'auto' }] },
                    visibility: { enum: ['public', 'private'] },
                  },
                },
                example: { formats: ['webp', 'avif'], variants: [{ name: 'avatar', width: 256, height: 256, fit: 'cover' }] },
              },
            },
          },
          responses: { 200: json(ref('Collection'), 'Updated'), 400: error('Invalid name, formats or quality', 'INVALID_FORMATS'), 401: unauthorized, 404: error('Not found', 'COLLECTION_NOT_FOUND') },
        },
        delete: { summary: 'Delete a collection with its images and files', parameters: [idParam('id', 'col_abc123')], responses: { 204: { description: 'Deleted' }, 401: unauthorized, 404: error('Not found', 'COLLECTION_NOT_FOUND') } },
      },
      '/api/v1/collections/{id}/reprocess': {
        post: {
          summary: "Regenerate every ready image of the collection with its current settings, in the background; images stay ready and their URLs answer throughout",
          parameters: [idParam('id', 'col_abc123')],
          responses: { 202: json(ref('ReprocessRun'), 'Started'), 401: unauthorized, 404: error('Not found', 'COLLECTION_NOT_FOUND'), 409: error('A reprocessing of this collection is already running', 'REPROCESS_RUNNING') },
        },
        get: {
          summary: "The collection's latest reprocess run and its progress",
          parameters: [idParam('id', 'col_abc123')],
          responses: { 200: json(ref('ReprocessRun'), 'The run'), 401: unauthorized, 404: error('Not found, or never reprocessed', 'NOT_FOUND') },
        },
      },
      '/api/v1/images': {
        get: {
          summary: 'List all images across all your collections, newest first (streamed), or one page of them',
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 }, description: 'Page size; without limit and after the whole list is returned.' },
            { name: 'after', in: 'query', required: false, schema: { type: 'string' }, description: 'The cursor from the previous page\'s Link header (opaque).' },
          ],
          responses: {
            200: { ...json({ type: 'array', items: ref('Image') }, 'Images', [imageExample]), headers: { Link: { description: '`<…?limit=N&after=…>; rel="next"` while more images follow (paged requests only)', schema: { type: 'string' } } } },
            400: json(ref('Error'), 'A bad limit or cursor'),
            401: unauthorized,
          },
        },
        post: {
          summary: 'Upload an image; it is processed into 12 WebP sizes',
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file', 'checksum', 'collection'],
                  properties: {
                    file: { type: 'string', format: 'binary', description: 'JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF or TIFF (decided from the bytes)' },
                    checksum: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the file, hex' },
                    collection: { type: 'string', description: 'Collection id (col_…)' },
                    slug: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', maxLength: 100 },
                    focalX: { type: 'number', minimum: 0, maximum: 1, description: 'Focal point, 0–1 from the left (with focalY); without it the salient point is found' },
                    focalY: { type: 'number', minimum: 0, maximum: 1 },
                  },
                },
              },
            },
          },
          responses: {
            200: { ...json(ref('Image'), 'The same bytes (checksum) are already an image of this collection (no slug, or its slug): that image, no quota used'), headers: rateLimitHeaders() },
            201: { ...json(ref('Image'), 'Accepted; status is processing', imageExample), headers: rateLimitHeaders() },
            400: error('Invalid file format, missing field, checksum mismatch or bad slug', 'CHECKSUM_MISMATCH'),
            401: unauthorized,
            403: error('Collection does not belong to user', 'COLLECTION_FORBIDDEN'),
            409: error('Slug already used in this collection', 'SLUG_TAKEN'),
            413: error('File too large', 'FILE_TOO_LARGE'),
            429: { ...error('Monthly quota exceeded', 'QUOTA_EXCEEDED'), headers: { 'Retry-After': { schema: { type: 'integer' } }, ...rateLimitHeaders() } },
          },
        },
      },
      '/api/v1/images/{id}': {
        get: { summary: 'One image with its current status', parameters: [idParam('id', 'img_abc')], responses: { 200: json(ref('Image'), 'The image'), 401: unauthorized, 404: error('Not found', 'IMAGE_NOT_FOUND') } },
        patch: {
          summary: "Set the image's focal point (0–1 from the top left); a ready image's cover crops are made again around it, their URLs answering throughout",
          parameters: [idParam('id', 'img_abc')],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['focalPoint'], properties: { focalPoint: { type: 'object', required: ['x', 'y'], properties: { x: { type: 'number' }, y: { type: 'number' } } } } }, example: { focalPoint: { x: 0.3, y: 0.4 } } } } },
          responses: { 200: json(ref('Image'), 'The image'), 400: error('Invalid focal point', 'INVALID_FOCAL_POINT'), 401: unauthorized, 404: error('Not found', 'IMAGE_NOT_FOUND') },
        },
        delete: { summary: 'Delete an image and its stored files', parameters: [idParam('id', 'img_abc')], responses: { 204: { description: 'Deleted' }, 401: unauthorized, 404: error('Not found', 'IMAGE_NOT_FOUND') } },
      },
      '/api/v1/images/{id}/retry': {
        post: {
          summary: "Send a failed image back to processing with a new job, when the failure was not its file's fault (timeout, storage)",
          parameters: [idParam('id', 'img_abc')],
          responses: { 202: json(ref('Image'), 'Processing again'), 401: unauthorized, 404: error('Not found', 'IMAGE_NOT_FOUND'), 409: error('Not failed, failed because of its file, or its original is gone', 'NOT_RETRYABLE') },
        },
      },
      '/api/v1/images/{id}/events': {
        get: {
          summary: 'Processing status as Server-Sent Events (`event: status`, data: StatusEvent), ending after ready or failed',
          parameters: [idParam('id', 'img_abc')],
          responses: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: ref('StatusEvent') } } }, 401: unauthorized, 404: error('Not found', 'IMAGE_NOT_FOUND') },
        },
      },
      '/api/v1/config': { get: { summary: 'Plan, quota, sizes and limits', responses: { 200: json(ref('Config'), 'Configuration'), 401: unauthorized } } },
      ...webhookPaths(),
      ...signedUrlPaths(),
      ...directUploadPaths(),
      ...teamPaths(),
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'optimage_session', description: 'Named __Host-optimage_session when PUBLIC_BASE_URL is https' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (opt_live_…)' },
      },
      schemas: {
        Error: { type: 'object', required: ['message', 'code'], properties: { message: { type: 'string' }, code: { type: 'string' } } },
        Credentials: { type: 'object', required: ['email', 'password'], properties: { email: { type: 'string', format: 'email' }, password: { type: 'string', minLength: 8 } } },
        User: { type: 'object', required: ['id', 'email', 'plan'], properties: { id: { type: 'string', pattern: '^usr_' }, email: { type: 'string' }, plan: { enum: ['free', 'pro', 'business'] } } },
        ...apiKeySchemas(),
        Collection: {
          type: 'object',
          required: ['id', 'teamId', 'name', 'formats', 'quality', 'visibility', 'variants', 'metadata', 'colorProfile', 'createdAt'],
          properties: {
            id: { type: 'string', pattern: '^col_' },
            teamId: { type: 'string', pattern: '^team_' },
            name: { type: 'string' },
            formats: { type: 'array', items: { enum: [...OUTPUT_FORMATS] } },
            quality: { oneOf: [{ type: 'integer', minimum: 1, maximum: 100 }, { const: 'auto' }], description: 'Encoder quality, or "auto": chosen per image with SSIMULACRA 2 (docs/quality.md)' },
            visibility: { enum: ['public', 'private'], description: 'private: files only through signed URLs (docs/private-delivery.md)' },
            variants: { type: 'array', maxItems: 20, items: ref('NamedVariant') },
            metadata: { enum: ['none', 'copyright'] },
            colorProfile: { enum: ['srgb', 'wide'] },
            createdAt: { type: 'string', format: 'date-time' },
          },
        },
        ...imageSchemas(),
        ...artSchemas(),
        ReprocessRun: {
          type: 'object',
          required: ['id', 'collectionId', 'status', 'images', 'done', 'failed', 'createdAt', 'finishedAt'],
          properties: {
            id: { type: 'string', pattern: '^job_' },
            collectionId: { type: 'string', pattern: '^col_' },
            status: { enum: ['running', 'finished'] },
            images: { type: 'integer', description: 'How many images the run took' },
            done: { type: 'integer' },
            failed: { type: 'integer', description: 'Images whose rerun failed; they keep their previous files' },
            createdAt: { type: 'string', format: 'date-time' },
            finishedAt: { type: ['string', 'null'], format: 'date-time' },
          },
        },
        StatusEvent: {
          type: 'object',
          required: ['id', 'status', 'step', 'progress', 'error'],
          properties: { id: { type: 'string' }, collectionId: { type: 'string' }, status: { enum: ['processing', 'ready', 'failed'] }, step: { type: 'string' }, progress: { type: 'integer' }, error: { type: ['string', 'null'] }, at: { type: 'string', format: 'date-time' } },
        },
        Config: {
          type: 'object',
          required: ['plan', 'quota', 'sizes', 'baseUrl', 'maxUploadBytes', 'formats'],
          properties: {
            plan: { enum: ['free', 'pro', 'business'] },
            quota: {
              type: 'object',
              required: ['limit', 'used', 'remaining', 'resetsAt'],
              properties: { limit: { type: 'integer' }, used: { type: 'integer' }, remaining: { type: 'integer' }, resetsAt: { type: 'string', format: 'date-time' } },
            },
            sizes: { type: 'array', items: { type: 'integer' } },
            baseUrl: { type: 'string' },
            maxUploadBytes: { type: 'integer' },
            formats: { type: 'array', items: { type: 'string' } },
          },
        },
        ...webhookSchemas(),
        ...deliverySchemas(),
        ...teamSchemas(),
      },
    },
  };
}
