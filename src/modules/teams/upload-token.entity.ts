import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Team } from '../accounts/team.entity.ts';

/** A short-lived credential that can only upload into one collection (contract §10). Stored hashed. */
@Entity('upload_tokens')
export class UploadToken {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'team_id', type: 'text' })
  teamId: string;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'upload_tokens_team_id_fkey' })
  team?: Relation<Team>;

  /** Not a foreign key (collections sit above teams); a deleted collection refuses the token's uploads. */
  @Column({ name: 'collection_id', type: 'text' })
  collectionId: string;

  /** The member who minted it; uploads are attributed to them. */
  @Column({ name: 'issued_by', type: 'text' })
  issuedBy: string;

  @Index('upload_tokens_token_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'max_uploads', type: 'integer' })
  maxUploads: number;

  @Column({ type: 'integer', default: 0 })
  uploads: number;

  @Column({ name: 'max_bytes', type: 'bigint', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  maxBytes: number | null;

  @Column({ type: 'text', nullable: true })
  slug: string | null;

  /** The images uploaded with it: the only ones it may read back. */
  @Column({ name: 'image_ids', type: 'text', array: true, default: () => "'{}'" })
  imageIds: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
