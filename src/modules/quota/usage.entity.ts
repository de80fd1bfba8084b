import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../accounts/user.entity.ts';

/** Accepted uploads per user per UTC calendar month (`period` is the month's first day). */
@Entity('usage')
export class Usage {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'usage_user_id_fkey' })
  user?: Relation<User>;

  @PrimaryColumn({ type: 'date' })
  period: string;

  @Column({ type: 'integer', default: 0 })
  used: number;
}
