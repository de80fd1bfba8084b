import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../accounts/user.entity.ts';
import type { OutputFormat } from '../images/formats.ts';

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

  @Column({ type: 'text' })
  name: string;

  /** What every image of the collection is published as: WebP always, AVIF when turned on. */
  @Column({ type: 'text', array: true, default: () => "'{webp}'" })
  formats: OutputFormat[];

  @Column({ type: 'text', default: 'public' })
  visibility: Visibility;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
