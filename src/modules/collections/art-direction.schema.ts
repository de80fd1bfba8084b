/**
 * GraphQL for a collection's art direction (contract §13), beside collection-settings.schema.ts: its
 * named variants, the EXIF it keeps and its colour profile. SCREAMING_CASE enum values map to the
 * lowercase values REST and the database use.
 */
import { builder } from '../../graphql/builder.ts';
import { COLOR_PROFILES, FIT_MODES, METADATA_POLICIES, type ColorProfile, type FitMode, type MetadataPolicy, type NamedVariant } from '../images/art-direction.ts';
import { CollectionRef } from './collection-ref.ts';

const upper = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v.toUpperCase(), { value: v }])) as Record<Uppercase<T>, { value: T }>;

export const FitModeEnum = builder.enumType('FitMode', {
  description: 'COVER: exactly the box, cropped around the focal point. CONTAIN: inside the box, letterboxed on transparent. INSIDE: inside the box, no padding.',
  values: upper<FitMode>(FIT_MODES),
});

export const MetadataPolicyEnum = builder.enumType('MetadataPolicy', {
  description: 'NONE: no metadata in published files. COPYRIGHT: only the EXIF Copyright and Artist of the original. GPS, camera and software tags are never published.',
  values: upper<MetadataPolicy>(METADATA_POLICIES),
});

export const ColorProfileEnum = builder.enumType('ColorProfile', {
  description: 'SRGB: every file is sRGB. WIDE: wide-gamut sources (Display P3, Adobe RGB, …) are kept as Display P3 with the profile attached.',
  values: upper<ColorProfile>(COLOR_PROFILES),
});

const NamedVariantRef = builder.objectRef<NamedVariant>('NamedVariant').implement({
  description: 'A named box every image of the collection is also published in, at {baseUrl}/{collectionId}/{name}/{slug}.webp.',
  fields: (t) => ({
    name: t.exposeString('name'),
    width: t.exposeInt('width'),
    height: t.exposeInt('height'),
    fit: t.field({ type: FitModeEnum, resolve: (v) => v.fit }),
  }),
});

export const NamedVariantInput = builder.inputType('NamedVariantInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Lowercase letters, digits and hyphens, starting with a letter, at most 32 characters.' }),
    width: t.int({ required: true }),
    height: t.int({ required: true }),
    fit: t.field({ type: FitModeEnum, required: false, description: 'Default COVER.' }),
  }),
});

builder.objectFields(CollectionRef, (t) => ({
  variants: t.field({ type: [NamedVariantRef], description: 'The named variants (at most 20).', resolve: (c) => c.variants }),
  metadata: t.field({ type: MetadataPolicyEnum, resolve: (c) => c.metadata }),
  colorProfile: t.field({ type: ColorProfileEnum, resolve: (c) => c.colorProfile }),
}));
