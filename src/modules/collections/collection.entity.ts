import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../accounts/user.entity.ts';

@Entity('collections')
export class Collection {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Index('collections_user_id_idx')
  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'collections_user_id_fkey' })
  user?: Relation<User>;

  @Column({ type: 'text' })
  name: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
