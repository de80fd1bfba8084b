import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { KeyScope } from '../../auth/actor.ts';
import { Team } from './team.entity.ts';
import { User } from './user.entity.ts';

/** A server-to-server credential. The secret is shown once; only its SHA-256 is stored. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Index('api_keys_user_id_idx')
  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'api_keys_user_id_fkey' })
  user?: Relation<User>;

  /** The team the key acts in; it never does more than its creator's current role there. */
  @Index('api_keys_team_id_idx')
  @Column({ name: 'team_id', type: 'text' })
  teamId: string;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'api_keys_team_id_fkey' })
  team?: Relation<Team>;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', array: true })
  scopes: KeyScope[];

  /** null: every collection of the team. */
  @Column({ name: 'collection_ids', type: 'text', array: true, nullable: true })
  collectionIds: string[] | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** The first characters of the key (`opt_live_ab12cd`), safe to show in listings. */
  @Column({ type: 'text' })
  prefix: string;

  @Index('api_keys_key_hash_key', { unique: true })
  @Column({ name: 'key_hash', type: 'text' })
  keyHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
