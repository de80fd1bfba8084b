/**
 * The GraphQL `Collection` type's ref, apart from its fields (collections.schema.ts implements it).
 * Other modules return and extend the type through this ref — images adds `Image.collection`,
 * `Collection.images` and `imageCount` — without importing the collections adapter, and without a
 * cycle: collections knows nothing of images.
 */
import { builder } from '../../graphql/builder.ts';
import type { Collection } from './collection.entity.ts';

export const CollectionRef = builder.objectRef<Collection>('Collection');
