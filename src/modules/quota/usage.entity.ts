import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Team } from '../accounts/team.entity.ts';

/** Accepted uploads per team per UTC calendar month (`period` is the month's first day). */
@Entity('usage')
export class Usage {
  @PrimaryColumn({ name: 'team_id', type: 'text' })
  teamId: string;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'usage_team_id_fkey' })
  team?: Relation<Team>;

  @PrimaryColumn({ type: 'date' })
  period: string;

  @Column({ type: 'integer', default: 0 })
  used: number;
}
