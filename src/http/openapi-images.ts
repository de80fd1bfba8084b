/** OpenAPI schemas of an image (contract §2–§4, §15): the image, its numbered files and its placeholder. */
import { ACCEPTED_FORMATS, OUTPUT_FORMATS } from '../modules/images/formats.ts';
import { MAX_DATA_URL_BYTES } from '../modules/images/placeholder.ts';
import { VARIANT_SIZES } from '../modules/images/sizes.ts';
import { ref } from './openapi-parts.ts';

export function imageSchemas() {
  return {
        Variant: {
          type: 'object',
          required: ['size', 'format', 'width', 'height', 'bytes', 'url'],
          properties: {
            size: { enum: [...VARIANT_SIZES] },
            format: { enum: [...OUTPUT_FORMATS] },
            width: { type: 'integer' },
            height: { type: 'integer' },
            bytes: { type: 'integer' },
            url: { type: 'string', format: 'uri' },
            quality: { type: 'integer', minimum: 1, maximum: 100, description: 'The encoder quality of this file: its WebP quality, or for AVIF its AVIF quality (contract §15); absent for files made before it was recorded' },
          },
        },
        Placeholder: {
          type: 'object',
          description: 'Present once the image is ready: paint it before the image loads.',
          required: ['thumbhash', 'color', 'dataUrl'],
          properties: {
            thumbhash: { type: 'string', contentEncoding: 'base64', description: 'A ThumbHash' },
            color: { type: 'string', pattern: '^#[0-9a-f]{6}$', description: 'Dominant (alpha-weighted average) colour' },
            dataUrl: { type: 'string', pattern: '^data:image/webp;base64,', maxLength: MAX_DATA_URL_BYTES, description: 'A tiny blurred WebP preview' },
          },
        },
        Image: {
          type: 'object',
          required: ['id', 'slug', 'collectionId', 'checksum', 'status', 'createdAt', 'baseUrl', 'src', 'srcset'],
          properties: {
            id: { type: 'string', pattern: '^img_' },
            slug: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
            collectionId: { type: 'string', pattern: '^col_' },
            checksum: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            status: { enum: ['processing', 'ready', 'failed'] },
            createdAt: { type: 'string', format: 'date-time' },
            baseUrl: { type: 'string' },
            width: { type: 'integer' },
            height: { type: 'integer' },
            format: { enum: [...ACCEPTED_FORMATS] },
            bytes: { type: 'integer' },
            step: { enum: ['VALIDATE', 'CONVERT', 'RESIZE', 'OPTIMIZE', 'UPLOAD', 'ACTIVATE'] },
            progress: { type: 'integer', minimum: 0, maximum: 100 },
            error: { type: ['string', 'null'] },
            variants: { type: 'array', items: { anyOf: [ref('Variant'), ref('NamedFile')] }, description: 'The numbered sizes, then the named variants (contract §13).' },
            focalPoint: { type: ['object', 'null'], required: ['x', 'y'], properties: { x: { type: 'number', minimum: 0, maximum: 1 }, y: { type: 'number', minimum: 0, maximum: 1 }, source: { enum: ['given', 'auto'] } } },
            placeholder: ref('Placeholder'),
            quality: { type: 'integer', minimum: 1, maximum: 100, description: 'Once ready: the WebP quality of its full-size file (the collection\'s number, then every file\'s, or what "auto" chose); each variant has its own' },
            url: { type: 'string', format: 'uri', description: 'The full-size file (size 0): where it will be once ready (what Uppy\'s XHRUpload shows as the upload URL).' },
            src: { type: ['string', 'null'], format: 'uri', description: 'The 768 URL, for <img src>; null until ready.' },
            srcset: { type: ['string', 'null'], pattern: '^\\S+ \\d+w(, \\S+ \\d+w)*$', description: 'For <img srcset>: "<url> 320w, …, <url> 1280w" over the sizes that exist; null until ready.' },
          },
        },
  };
}
