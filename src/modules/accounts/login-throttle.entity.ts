import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed-login counters per fixed one-minute window, keyed by `email:<email>` or `ip:<address>`. */
@Entity('login_throttle')
export class LoginThrottle {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ name: 'window_start', type: 'timestamptz' })
  windowStart: Date;

  @Column({ type: 'integer' })
  failures: number;
}
