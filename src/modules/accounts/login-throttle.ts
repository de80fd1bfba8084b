/**
 * Fixed-window failed-login counters in PostgreSQL (shared by every API process): at most
 * MAX_FAILURES per minute per account and per client address.
 */
import type { DataSource } from 'typeorm';
import type { Clock } from '../../clock.ts';
import { TooManyRequestsError } from '../../errors.ts';

const WINDOW_MS = 60_000;
const MAX_FAILURES = 10;

export class LoginThrottler {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  private keys(email: string, ip: string | undefined): string[] {
    return ip ? [`email:${email}`, `ip:${ip}`] : [`email:${email}`];
  }

  /** Throws 429 with Retry-After when the account or the address is over the limit. */
  async assertAllowed(email: string, ip: string | undefined): Promise<void> {
    const now = this.clock.now().getTime();
    const rows: { window_start: Date; failures: number }[] = await this.db.query(
      'SELECT window_start, failures FROM login_throttle WHERE key = ANY($1)',
      [this.keys(email, ip)],
    );
    for (const row of rows) {
      const ends = row.window_start.getTime() + WINDOW_MS;
      if (ends > now && row.failures >= MAX_FAILURES) {
        const retryAfter = String(Math.max(1, Math.ceil((ends - now) / 1000)));
        throw new TooManyRequestsError('Too many failed logins; try again later', 'LOGIN_THROTTLED', { 'Retry-After': retryAfter });
      }
    }
  }

  async recordFailure(email: string, ip: string | undefined): Promise<void> {
    const now = this.clock.now();
    const windowStart = new Date(now.getTime() - WINDOW_MS);
    for (const key of this.keys(email, ip)) {
      await this.db.query(
        `INSERT INTO login_throttle (key, window_start, failures) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.window_start <= $3 THEN 1 ELSE login_throttle.failures + 1 END,
           window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 ELSE login_throttle.window_start END`,
        [key, now, windowStart],
      );
    }
  }

  async reset(email: string): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE key = $1', [`email:${email}`]);
  }
}
