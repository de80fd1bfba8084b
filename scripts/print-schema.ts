/** Writes schema/schema.graphql from the code (`npm run schema:print`). */
import { writeFile } from 'node:fs/promises';
import { printSortedSchema } from '../src/schema.ts';

await writeFile('schema/schema.graphql', printSortedSchema());
console.log('wrote schema/schema.graphql');
