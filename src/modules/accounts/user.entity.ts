import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { PlanName } from '../../config.ts';

@Entity('users')
export class User {
  @PrimaryColumn({ type: 'text' })
  id: string;

  /** Normalised (trimmed, lower-cased); unique. */
  @Index('users_email_key', { unique: true })
  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ type: 'text', default: 'free' })
  plan: PlanName;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
