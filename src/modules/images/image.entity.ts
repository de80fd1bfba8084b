import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { User } from '../accounts/user.entity.ts';
import { Collection, type Visibility } from '../collections/collection.entity.ts';
import type { FocalSource, NamedFile } from './art-direction.ts';
import type { SourceFormat } from './formats.ts';
import type { FailureKind } from './failure.ts';
import type { Placeholder } from './placeholder.ts';
import type { PipelineStep } from './steps.ts';
import { ImageVariant } from './image-variant.entity.ts';

/** `deleted`: deleted by its owner while a job still runs; hidden, and removed by that job. */
export type ImageStatus = 'processing' | 'ready' | 'failed' | 'deleted';

/** The progress shown for an image: its last step's while processing, 100 once ready. */
export function progressOf(image: Pick<Image, 'status' | 'progress'>): number {
  return image.status === 'ready' ? 100 : image.progress;
}

@Entity('images')
@Index('images_collection_slug_key', ['collectionId', 'slug'], { unique: true })
// keyset pages (ImageLibrary.page) walk these from a cursor, newest or oldest first, without a sort
@Index('images_team_page_idx', ['teamId', 'createdAt', 'id'])
@Index('images_collection_page_idx', ['collectionId', 'createdAt', 'id'])
// re-uploads of the same bytes are found by checksum (contract §7)
@Index('images_collection_checksum_idx', ['collectionId', 'checksum'])
export class Image {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'images_user_id_fkey' })
  user?: Relation<User>;

  /** Its collection's team (kept on the row so listings filter on one index). */
  @Column({ name: 'team_id', type: 'text' })
  teamId: string;

  @Column({ name: 'collection_id', type: 'text' })
  collectionId: string;

  @ManyToOne(() => Collection, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'collection_id', foreignKeyConstraintName: 'images_collection_id_fkey' })
  collection?: Relation<Collection>;

  /** Its collection's visibility, copied on insert (a trigger) and changed with it, so every read of an image knows how to link it. */
  @Column({ type: 'text', default: 'public' })
  visibility: Visibility;

  @Column({ type: 'text' })
  slug: string;

  /** SHA-256 of the uploaded bytes, lowercase hex. */
  @Column({ type: 'text' })
  checksum: string;

  @Column({ type: 'text' })
  status: ImageStatus;

  /** The last pipeline step reached and its progress (0–100), for late subscribers. */
  @Column({ type: 'text' })
  step: PipelineStep;

  @Column({ type: 'integer', default: 0 })
  progress: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Why a failed image failed: decides whether it may be retried. */
  @Column({ name: 'failure_kind', type: 'text', nullable: true })
  failureKind: FailureKind | null;

  /** The reprocessing run this ready image is part of until its job ends (it stays ready meanwhile). */
  @Column({ name: 'reprocess_run_id', type: 'text', nullable: true })
  reprocessRunId: string | null;

  /** Detected from the bytes: jpeg, png, webp, gif, heic, avif or tiff. */
  @Column({ name: 'source_format', type: 'text' })
  sourceFormat: SourceFormat;

  @Column({ name: 'source_bytes', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  sourceBytes: number;

  @Column({ name: 'original_filename', type: 'text', nullable: true })
  originalFilename: string | null;

  /** Geometry after EXIF orientation; set at upload from the header. */
  @Column({ type: 'integer' })
  width: number;

  @Column({ type: 'integer' })
  height: number;

  @Column({ type: 'integer', default: 1 })
  frames: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt: Date | null;

  /** Computed from the decoded pixels and stored at activation; null before (contract §7). */
  @Column({ type: 'jsonb', nullable: true })
  placeholder: Placeholder | null;

  /**
   * The WebP encoder quality of its full-size file (with a number set, of every file; chosen per
   * image when the collection says "auto"); null before. Each variant records its own.
   */
  @Column({ type: 'smallint', nullable: true })
  quality: number | null;

  /** The focal point, 0–1 from the top left of the upright picture: given by its owner, or found at processing. */
  @Column({ name: 'focal_x', type: 'real', nullable: true })
  focalX: number | null;

  @Column({ name: 'focal_y', type: 'real', nullable: true })
  focalY: number | null;

  @Column({ name: 'focal_source', type: 'text', nullable: true })
  focalSource: FocalSource | null;

  /** The files of the collection's named variants, as last published (contract §13). */
  @Column({ name: 'named_variants', type: 'jsonb', default: () => "'[]'" })
  namedVariants: NamedFile[];

  @OneToMany(() => ImageVariant, (v) => v.image)
  variants?: Relation<ImageVariant>[];
}
