import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed-login counters per fixed window (its length per rule, see login-throttle.ts), keyed by `email+ip:`, `email:` or `ip:`. */
@Entity('login_throttle')
export class LoginThrottle {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ name: 'window_start', type: 'timestamptz' })
  windowStart: Date;

  @Column({ type: 'integer' })
  failures: number;
}
