import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../accounts/user.entity.ts';
import type { ColorProfile, MetadataPolicy, NamedVariant } from '../images/art-direction.ts';
import type { OutputFormat } from '../images/formats.ts';

@Entity('collections')
export class Collection {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Index('collections_user_id_idx')
  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'collections_user_id_fkey' })
  user?: Relation<User>;

  @Column({ type: 'text' })
  name: string;

  /** What every image of the collection is published as: WebP always, AVIF when turned on. */
  @Column({ type: 'text', array: true, default: () => "'{webp}'" })
  formats: OutputFormat[];

  /** Named boxes every image is also published in (contract §13), at most 20. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  variants: NamedVariant[];

  /** What EXIF the published files keep: nothing, or only Copyright and Artist. */
  @Column({ type: 'text', default: 'none' })
  metadata: MetadataPolicy;

  /** sRGB for every file, or Display P3 kept for wide-gamut sources. */
  @Column({ name: 'color_profile', type: 'text', default: 'srgb' })
  colorProfile: ColorProfile;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
