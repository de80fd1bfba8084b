import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
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

  @Column({ type: 'text' })
  name: string;

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
