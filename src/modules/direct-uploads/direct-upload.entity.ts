import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../accounts/user.entity.ts';
import { Collection } from '../collections/collection.entity.ts';

/** pending: waiting for the bytes; completing: a `complete` is checking them; completed: became `imageId`; rejected: its bytes failed the checks (and were removed). */
export type DirectUploadStatus = 'pending' | 'completing' | 'completed' | 'rejected';

/** A file the client puts straight into storage (contract §12), checked and made an image on `complete`. */
@Entity('direct_uploads')
@Index('direct_uploads_expires_at_idx', ['expiresAt'])
export class DirectUpload {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'direct_uploads_user_id_fkey' })
  user?: Relation<User>;

  @Column({ name: 'collection_id', type: 'text' })
  collectionId: string;

  @ManyToOne(() => Collection, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'collection_id', foreignKeyConstraintName: 'direct_uploads_collection_id_fkey' })
  collection?: Relation<Collection>;

  @Column({ type: 'text' })
  filename: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  size: number;

  /** Lowercase hex SHA-256 the client announced. */
  @Column({ type: 'text' })
  checksum: string;

  @Column({ type: 'text', nullable: true })
  slug: string | null;

  @Column({ type: 'text', default: 'pending' })
  status: DirectUploadStatus;

  @Column({ name: 'image_id', type: 'text', nullable: true })
  imageId: string | null;

  /** When a `complete` claimed it (a claim older than 10 minutes is taken over: its process died). */
  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
