import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../accounts/user.entity.ts';

const bigint = { to: (v: number) => v, from: (v: string) => Number(v) };

/**
 * A tus upload: who owns it and what it is to become (its Upload-Metadata, checked at creation).
 * The bytes live in the tus store; this row decides who may touch them, carries the image id once
 * the last byte made one, and is what the expiry sweep walks.
 */
@Entity('resumable_uploads')
export class ResumableUpload {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Index('resumable_uploads_user_id_idx')
  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'resumable_uploads_user_id_fkey' })
  user?: Relation<User>;

  /** No foreign key: a collection deleted meanwhile makes the last PATCH fail with 403, as POST /images would. */
  @Column({ name: 'collection_id', type: 'text' })
  collectionId: string;

  @Column({ type: 'text', nullable: true })
  filename: string | null;

  @Column({ type: 'text' })
  checksum: string;

  @Column({ type: 'text', nullable: true })
  slug: string | null;

  /** The focal point sent as `focalX`/`focalY` metadata (contract §13), checked at creation; null: none given. */
  @Column({ name: 'focal_x', type: 'real', nullable: true })
  focalX: number | null;

  @Column({ name: 'focal_y', type: 'real', nullable: true })
  focalY: number | null;

  @Column({ type: 'bigint', transformer: bigint })
  size: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Index('resumable_uploads_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'image_id', type: 'text', nullable: true })
  imageId: string | null;

  /** The request holding the upload's lock (upload-lock.ts), on whichever API node; null when free. */
  @Column({ name: 'lock_token', type: 'text', nullable: true })
  lockToken: string | null;

  /** The holder's lease: renewed while it runs, so a node that died frees the upload when it lapses. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /** Another request (maybe on another node) waits for the lock: the holder's request is cancelled. */
  @Column({ name: 'release_requested', type: 'boolean', default: false })
  releaseRequested: boolean;
}
