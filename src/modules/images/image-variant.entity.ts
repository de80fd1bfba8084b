import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { Image } from './image.entity.ts';

/** One stored WebP of an image: written together with the image's flip to `ready`. */
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

  @Column({ type: 'integer' })
  width: number;

  @Column({ type: 'integer' })
  height: number;

  @Column({ type: 'integer' })
  bytes: number;
}
