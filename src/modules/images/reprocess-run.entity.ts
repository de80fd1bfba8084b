import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Collection } from '../collections/collection.entity.ts';

/**
 * One reprocessing of a collection (`POST /api/v1/collections/:id/reprocess`): the images it took,
 * counted off as each one's job ends. At most one runs per collection (the partial unique index),
 * so a second request while one runs is refused rather than doubled.
 */
@Entity('reprocess_runs')
@Index('reprocess_runs_one_running_key', ['collectionId'], { unique: true, where: '"finished_at" IS NULL' })
export class ReprocessRun {
  /** `job_…` */
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'collection_id', type: 'text' })
  collectionId: string;

  @ManyToOne(() => Collection, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'collection_id', foreignKeyConstraintName: 'reprocess_runs_collection_id_fkey' })
  collection?: Relation<Collection>;

  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @Column({ type: 'integer' })
  total: number;

  @Column({ type: 'integer', default: 0 })
  done: number;

  @Column({ type: 'integer', default: 0 })
  failed: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set when the last of its images is settled; null while it runs. */
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
