/** What the image lifecycle takes and hands over: a new image's fields, a job's claim, a finished rendition. */
import type { Collection } from '../collections/collection.entity.ts';
import type { QualitySetting } from '../quality/quality-setting.ts';
import type { FocalSource, NamedFile } from './art-direction.ts';
import type { OutputFormat } from './formats.ts';
import type { ImageVariant } from './image-variant.entity.ts';
import type { Image } from './image.entity.ts';
import type { Placeholder } from './placeholder.ts';

export type NewImage = Pick<Image, 'id' | 'userId' | 'teamId' | 'collectionId' | 'slug' | 'checksum' | 'sourceFormat' | 'sourceBytes' | 'originalFilename' | 'width' | 'height' | 'frames'>;

/** What a finished pipeline run hands over: the measured geometry, the placeholder and one row per published file. */
export interface Rendition {
  width: number;
  height: number;
  pages: number;
  placeholder: Placeholder;
  /** Each with the encoder quality of its file (contract §15). */
  variants: (Pick<ImageVariant, 'size' | 'format' | 'width' | 'height' | 'bytes'> & { quality: number })[];
  /** The WebP quality of the full-size file (contract §15; with a number set, of every file). */
  quality?: number;
  /** The named variants' files (contract §13) and the focal point they were cut around; absent: left as they are. */
  named?: NamedFile[];
  focal?: { x: number; y: number; source: FocalSource } | null;
}

/** What a job is to do: a first processing, or a rerun of a ready image within a reprocess run. */
export interface Claim {
  image: Image;
  /** The collection's formats now: what this run publishes. */
  formats: OutputFormat[];
  /** The collection's quality now: 1–100 or "auto". */
  quality: QualitySetting;
  runId: string | null;
  /** The collection's art direction now (contract §13): named boxes, EXIF policy, colour profile. */
  art: Pick<Collection, 'variants' | 'metadata' | 'colorProfile'>;
}

/** How an activation ended: this run made it ready, or the row had moved on without it. */
