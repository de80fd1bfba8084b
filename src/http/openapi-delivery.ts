/** OpenAPI paths of private delivery (contract §11: signed URLs on demand) and direct uploads (§12). */
import { body, error, idParam, json, rateLimitHeaders, ref, unauthorized } from './openapi-parts.ts';

const forbidden = error('Your role or key may not do this in that collection', 'FORBIDDEN');

export function signedUrlPaths() {
  return {
    '/api/v1/images/{id}/signed-urls': {
      post: {
        summary: 'Signed URLs of a private image with a chosen lifetime (servers: emails, exports, other services)',
        parameters: [idParam('id', 'img_abc')],
        requestBody: {
          required: false,
          content: { 'application/json': { schema: { type: 'object', properties: { expiresIn: { type: 'integer', minimum: 60, maximum: 604800, description: 'Seconds; default SIGNED_URL_TTL' } } } } },
        },
        responses: {
          200: json(ref('SignedUrls'), 'URLs valid until expiresAt'),
          400: error('expiresIn out of range', 'INVALID_EXPIRES_IN'),
          401: unauthorized,
          403: forbidden,
          404: error('Not found', 'IMAGE_NOT_FOUND'),
          409: error('The image is public (its URLs need no signature) or not ready', 'IMAGE_NOT_PRIVATE'),
        },
      },
    },
  };
}

export function directUploadPaths() {
  return {
    '/api/v1/direct-uploads': {
      post: {
        summary: 'Start a direct upload: where to PUT the file (the bucket on S3, this server on local storage)',
        requestBody: body({
          type: 'object',
          required: ['collection', 'size', 'checksum'],
          properties: {
            collection: { type: 'string' },
            filename: { type: 'string' },
            size: { type: 'integer', minimum: 1 },
            checksum: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the file, hex' },
            slug: { type: 'string' },
          },
        }),
        responses: {
          201: json(ref('DirectUpload'), 'PUT the file with exactly this method, URL and headers, then complete'),
          400: error('A field is missing or malformed', 'INVALID_CHECKSUM'),
          401: unauthorized,
          403: error('Not your collection, or your role may not upload', 'COLLECTION_FORBIDDEN'),
          413: error('Larger than the upload limit', 'FILE_TOO_LARGE'),
          429: { ...error('Monthly quota exceeded', 'QUOTA_EXCEEDED'), headers: { 'Retry-After': { schema: { type: 'integer' } }, ...rateLimitHeaders() } },
        },
      },
    },
    '/api/v1/direct-uploads/{id}/data': {
      put: {
        summary: "Local storage's upload URL (signed; no other authentication): the file's bytes",
        security: [],
        parameters: [idParam('id', 'dup_abc'), { name: 'exp', in: 'query', required: true, schema: { type: 'string' } }, { name: 'sig', in: 'query', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        responses: {
          200: json({ type: 'object', required: ['id', 'received'], properties: { id: { type: 'string' }, received: { const: true } } }, 'Stored; now complete the upload'),
          403: error('The URL is not signed for this upload, or it expired', 'INVALID_SIGNATURE'),
          404: error('No such pending upload', 'DIRECT_UPLOAD_NOT_FOUND'),
          413: error('More bytes than announced', 'FILE_TOO_LARGE'),
        },
      },
    },
    '/api/v1/direct-uploads/{id}/complete': {
      post: {
        summary: 'The file is in place: this server reads it back, checks length, SHA-256 and format, and makes the image',
        parameters: [idParam('id', 'dup_abc')],
        responses: {
          200: { ...json(ref('Image'), 'Completed before: the same image'), headers: rateLimitHeaders() },
          201: { ...json(ref('Image'), 'The image (processing)'), headers: rateLimitHeaders() },
          400: error('Nothing uploaded yet, short, altered or not an image (the bytes are removed), or expired', 'UPLOAD_SIZE_MISMATCH'),
          401: unauthorized,
          404: error('No such direct upload (or not yours)', 'DIRECT_UPLOAD_NOT_FOUND'),
          409: error('Another request is completing it, or the slug is taken', 'DIRECT_UPLOAD_BUSY'),
          429: { ...error('Monthly quota exceeded', 'QUOTA_EXCEEDED'), headers: { 'Retry-After': { schema: { type: 'integer' } }, ...rateLimitHeaders() } },
        },
      },
    },
  };
}

export function deliverySchemas() {
  return {
    SignedUrls: {
      type: 'object',
      required: ['urls', 'named', 'expiresAt'],
      properties: {
        urls: { type: 'object', description: 'Signed URL per stored WebP size ("0" is the full size)', additionalProperties: { type: 'string', format: 'uri' } },
        named: { type: 'object', description: "Signed URL of each named variant's WebP file, by name", additionalProperties: { type: 'string', format: 'uri' } },
        expiresAt: { type: 'string', format: 'date-time' },
      },
    },
    DirectUpload: {
      type: 'object',
      required: ['id', 'method', 'url', 'headers', 'expiresAt'],
      properties: {
        id: { type: 'string', pattern: '^dup_' },
        method: { const: 'PUT' },
        url: { type: 'string', format: 'uri' },
        headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Send exactly these (the length and checksum are signed)' },
        expiresAt: { type: 'string', format: 'date-time' },
      },
    },
  };
}
