import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Team } from '../accounts/team.entity.ts';
import { User } from '../accounts/user.entity.ts';
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
