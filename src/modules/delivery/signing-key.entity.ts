import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The URL signing key generated when URL_SIGNING_KEYS is unset: one row, shared by every node through the database. */
@Entity('signing_keys')
export class SigningKey {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  secret: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
