import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { OutputFormat } from './formats.ts';
import type { Image } from './image.entity.ts';

/** One stored file of an image (a size in a format): written together with the image's flip to `ready`. */
@Entity('image_variants')
export class ImageVariant {
  @PrimaryColumn({ name: 'image_id', type: 'text' })
  imageId: string;

  // the target by entity name: a class reference here would make the two entity files import each other
  @ManyToOne('Image', (i: Image) => i.variants, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'image_id', foreignKeyConstraintName: 'image_variants_image_id_fkey' })
  image?: Relation<Image>;

  /** 0 (full size) or a width from the size table. */
  @PrimaryColumn({ type: 'integer' })
  size: number;

  @PrimaryColumn({ type: 'text', default: 'webp' })
  format: OutputFormat;

  @Column({ type: 'integer' })
  width: number;

  @Column({ type: 'integer' })
  height: number;

  @Column({ type: 'integer' })
  bytes: number;

  /**
   * The encoder quality this file was made with (contract §15): its WebP quality, or for AVIF its
   * AVIF quality (avifQualityFor). With "auto", the sizes wider than 512 px other than the full size
   * have their own. Null for files made before it was recorded.
   */
  @Column({ type: 'smallint', nullable: true })
  quality: number | null;
}
