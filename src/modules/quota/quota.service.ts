/**
 * Monthly upload quotas. `reserve` is one conditional upsert inside the caller's transaction, so
 * concurrent uploads can never exceed the limit (no count-then-insert race), and a rolled-back
 * upload gives its reservation back automatically.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../clock.ts';
import type { PlanName } from '../../config.ts';
import { QuotaExceededError } from '../../errors.ts';
import type { User } from '../accounts/user.entity.ts';
import { quotaPeriod } from './period.ts';

export interface QuotaStatus {
  plan: PlanName;
  limit: number;
  used: number;
  remaining: number;
  resetsAt: Date;
}

export class QuotaService {
  constructor(
    private readonly db: DataSource,
    private readonly plans: Record<PlanName, number>,
    private readonly clock: Clock,
  ) {}

  limitFor(plan: PlanName): number {
    return this.plans[plan] ?? this.plans.free;
  }

  async status(user: User): Promise<QuotaStatus> {
    const period = quotaPeriod(this.clock.now());
    const rows: { used: number }[] = await this.db.query('SELECT used FROM usage WHERE user_id = $1 AND period = $2', [user.id, period.key]);
    const limit = this.limitFor(user.plan);
    const used = rows[0]?.used ?? 0;
    return { plan: user.plan, limit, used, remaining: Math.max(0, limit - used), resetsAt: period.resetsAt };
  }

  /** Takes one upload from this month's quota inside `tx`, or throws 429 with Retry-After and RateLimit headers. */
  async reserve(tx: EntityManager, user: User): Promise<QuotaStatus> {
    const period = quotaPeriod(this.clock.now());
    const limit = this.limitFor(user.plan);
    const rows: { used: number }[] = await tx.query(
      `INSERT INTO usage (user_id, period, used) SELECT $1, $2, 1 WHERE $3::int > 0
       ON CONFLICT (user_id, period) DO UPDATE SET used = usage.used + 1 WHERE usage.used < $3
       RETURNING used`,
      [user.id, period.key, limit],
    );
    if (rows.length === 0) throw this.exceeded({ plan: user.plan, limit, used: limit, remaining: 0, resetsAt: period.resetsAt });
    const used = rows[0]!.used;
    return { plan: user.plan, limit, used, remaining: Math.max(0, limit - used), resetsAt: period.resetsAt };
  }

  /** A pre-check before the upload's bytes are processed; `reserve` is what actually decides. */
  async assertAvailable(user: User): Promise<void> {
    const status = await this.status(user);
    if (status.remaining <= 0) throw this.exceeded(status);
  }

  /** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) for a quota status. */
  headers(status: QuotaStatus): Record<string, string> {
    const now = this.clock.now();
    const reset = Math.max(0, Math.ceil((status.resetsAt.getTime() - now.getTime()) / 1000));
    const period = quotaPeriod(now);
    const window = Math.round((period.resetsAt.getTime() - period.start.getTime()) / 1000);
    return {
      'RateLimit-Limit': String(status.limit),
      'RateLimit-Remaining': String(status.remaining),
      'RateLimit-Reset': String(reset),
      'RateLimit-Policy': `${status.limit};w=${window}`,
    };
  }

  private exceeded(status: QuotaStatus): QuotaExceededError {
    const headers = this.headers(status);
    return new QuotaExceededError(
      `Monthly upload quota of ${status.limit} images for the ${status.plan} plan is used up; it resets at ${status.resetsAt.toISOString()}`,
      status.limit,
      status.resetsAt,
      { ...headers, 'Retry-After': headers['RateLimit-Reset']! },
    );
  }
}
