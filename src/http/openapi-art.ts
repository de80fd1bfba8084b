/** OpenAPI schemas of art direction (contract §13): a collection's named variants and an image's named files. */
import { OUTPUT_FORMATS } from '../modules/images/formats.ts';

export function artSchemas() {
  return {
        NamedFile: {
          type: 'object',
          description: "A file of one of the collection's named variants: {baseUrl}/{collectionId}/{name}/{slug}.{format}",
          required: ['name', 'format', 'width', 'height', 'bytes', 'url'],
          properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' }, format: { enum: [...OUTPUT_FORMATS] }, width: { type: 'integer' }, height: { type: 'integer' }, bytes: { type: 'integer' }, url: { type: 'string', format: 'uri' } },
        },
        NamedVariant: {
          type: 'object',
          required: ['name', 'width', 'height', 'fit'],
          properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' }, width: { type: 'integer', minimum: 1, maximum: 8192 }, height: { type: 'integer', minimum: 1, maximum: 8192 }, fit: { enum: ['cover', 'contain', 'inside'] } },
        },
  };
}
