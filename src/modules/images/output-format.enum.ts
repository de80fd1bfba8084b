/**
 * The GraphQL enum of output formats, on its own: both images' GraphQL (each file's format) and
 * collections' (a collection's formats) use it, and a module never imports another's *.schema.ts.
 * Vocabulary only, no resolvers. SCREAMING_CASE in GraphQL, the lowercase extension everywhere else.
 */
import { builder } from '../../graphql/builder.ts';
import { OUTPUT_FORMATS, type OutputFormat } from './formats.ts';

export const OutputFormatEnum = builder.enumType('OutputFormat', {
  description: 'A published file format: WEBP always, AVIF when the collection has it on.',
  values: Object.fromEntries(OUTPUT_FORMATS.map((f) => [f.toUpperCase(), { value: f }])) as Record<Uppercase<OutputFormat>, { value: OutputFormat }>,
});
