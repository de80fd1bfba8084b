import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Team } from '../accounts/team.entity.ts';
import { User } from '../accounts/user.entity.ts';
import type { WebhookEvent } from './webhook-events.ts';

/**
 * An endpoint a user registered for image events. The secret is kept as issued (not hashed like an
 * API key): every delivery is signed with it, so the worker must be able to read it back.
 */
@Entity('webhooks')
export class Webhook {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Index('webhooks_user_id_idx')
  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'webhooks_user_id_fkey' })
  user?: Relation<User>;

  /** The team it belongs to (contract §10). */
  @Index('webhooks_team_id_idx')
  @Column({ name: 'team_id', type: 'text' })
  teamId: string;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'webhooks_team_id_fkey' })
  team?: Relation<Team>;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', array: true })
  events: WebhookEvent[];

  @Column({ type: 'text' })
  secret: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
