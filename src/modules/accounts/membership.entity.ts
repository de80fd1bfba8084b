import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { Role } from '../../auth/actor.ts';
import { User } from './user.entity.ts';
import { Team } from './team.entity.ts';

/** A user's role in a team. */
@Entity('memberships')
export class Membership {
  @PrimaryColumn({ name: 'team_id', type: 'text' })
  teamId: string;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'memberships_team_id_fkey' })
  team?: Relation<Team>;

  @Index('memberships_user_id_idx')
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'memberships_user_id_fkey' })
  user?: Relation<User>;

  @Column({ type: 'text' })
  role: Role;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
