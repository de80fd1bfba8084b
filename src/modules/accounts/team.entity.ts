import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { PlanName } from '../../config.ts';
import { User } from './user.entity.ts';

/** Who owns collections, plan, quota, webhooks and keys. Every user has one personal team. */
@Entity('teams')
export class Team {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', default: 'free' })
  plan: PlanName;

  /** Set on a user's personal team (made at sign-up): the user it belongs to. */
  @Index('teams_personal_user_id_key', { unique: true })
  @Column({ name: 'personal_user_id', type: 'text', nullable: true })
  personalUserId: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'personal_user_id', foreignKeyConstraintName: 'teams_personal_user_id_fkey' })
  personalUser?: Relation<User>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
