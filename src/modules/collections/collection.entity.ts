import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Team } from '../accounts/team.entity.ts';
import { User } from '../accounts/user.entity.ts';
import type { ColorProfile, MetadataPolicy, NamedVariant } from '../images/art-direction.ts';
import type { OutputFormat } from '../images/formats.ts';
import { qualityColumn, type QualitySetting } from '../quality/quality-setting.ts';

/** Public: files at the CDN pattern; private: only through signed URLs (contract §11). */
export type Visibility = 'public' | 'private';
export const VISIBILITIES: readonly Visibility[] = ['public', 'private'];

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

  /** The team it belongs to (contract §10). */
  @Index('collections_team_id_idx')
  @Column({ name: 'team_id', type: 'text' })
  teamId: string;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'collections_team_id_fkey' })
  team?: Relation<Team>;

  @Column({ type: 'text' })
  name: string;

  /** What every image of the collection is published as: WebP always, AVIF when turned on. */
  @Column({ type: 'text', array: true, default: () => "'{webp}'" })
  formats: OutputFormat[];

  /** Encoder quality 1–100, or "auto" (chosen per image by SSIMULACRA 2; contract §15). */
  @Column({ type: 'text', default: () => "'80'", transformer: qualityColumn })
  quality: QualitySetting;

  @Column({ type: 'text', default: 'public' })
  visibility: Visibility;

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
