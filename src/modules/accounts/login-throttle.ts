/**
 * Fixed-window failed-login counters in PostgreSQL (shared by every API process), three rules:
 *
 * - per (account, client address): 10 failures a minute. This is what stops one attacker guessing
 *   one password, and it locks out only the attacker's address for that account.
 * - per account, from anywhere: 100 failures an hour (ASVS 2.2.1's ceiling). High enough that one
 *   attacker's handful of requests cannot lock a victim out from everywhere; it only bites a
 *   guessing campaign spread over many addresses.
 * - per client address, across accounts: 30 failures a minute, against one address spraying many
 *   accounts. Above the per-(account, address) limit so that rule can fire first (with both at 10
 *   it never could), and so people behind one NAT do not lock each other out with a few typos.
 *
 * A successful login clears only its (account, address) counter: clearing the account-wide one
 * would let an attacker exceed 100 guesses an hour whenever the owner logs in, and clearing the
 * address one would let an attacker reset it by logging into an account of their own.
 */
import type { DataSource } from 'typeorm';
import type { Clock } from '../../clock.ts';
import { TooManyRequestsError } from '../../errors.ts';

interface Rule {
  key: (email: string, ip: string) => string;
  windowMs: number;
  maxFailures: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const LOGIN_RULES = {
  accountAndAddress: { key: (email, ip) => `email+ip:${email} ${ip}`, windowMs: MINUTE, maxFailures: 10 },
  account: { key: (email) => `email:${email}`, windowMs: HOUR, maxFailures: 100 },
  address: { key: (_email, ip) => `ip:${ip}`, windowMs: MINUTE, maxFailures: 30 },
} satisfies Record<string, Rule>;

const RULES: Rule[] = Object.values(LOGIN_RULES);

export class LoginThrottler {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Throws 429 with Retry-After when any rule's window is full. */
  async assertAllowed(email: string, ip: string | undefined): Promise<void> {
    const now = this.clock.now().getTime();
    const keyed = this.keyed(email, ip);
    const rows: { key: string; window_start: Date; failures: number }[] = await this.db.query(
      'SELECT key, window_start, failures FROM login_throttle WHERE key = ANY($1)',
      [keyed.map((k) => k.key)],
    );
    let retryAfterMs = 0;
    for (const row of rows) {
      const rule = keyed.find((k) => k.key === row.key)!.rule;
      const ends = row.window_start.getTime() + rule.windowMs;
      if (ends > now && row.failures >= rule.maxFailures) retryAfterMs = Math.max(retryAfterMs, ends - now);
    }
    if (retryAfterMs > 0) {
      const retryAfter = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
      throw new TooManyRequestsError('Too many failed logins; try again later', 'LOGIN_THROTTLED', { 'Retry-After': retryAfter });
    }
  }

  async recordFailure(email: string, ip: string | undefined): Promise<void> {
    const now = this.clock.now();
    for (const { key, rule } of this.keyed(email, ip)) {
      const expired = new Date(now.getTime() - rule.windowMs);
      await this.db.query(
        `INSERT INTO login_throttle (key, window_start, failures) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.window_start <= $3 THEN 1 ELSE login_throttle.failures + 1 END,
           window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 ELSE login_throttle.window_start END`,
        [key, now, expired],
      );
    }
  }

  /** After a successful login from `ip`: that address has proven itself for this account. */
  async reset(email: string, ip: string | undefined): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE key = $1', [LOGIN_RULES.accountAndAddress.key(email, address(ip))]);
  }

  private keyed(email: string, ip: string | undefined): { key: string; rule: Rule }[] {
    return RULES.map((rule) => ({ key: rule.key(email, address(ip)), rule }));
  }
}

/** A request whose socket address is gone still counts, under one shared bucket. */
function address(ip: string | undefined): string {
  return ip || 'unknown';
}
