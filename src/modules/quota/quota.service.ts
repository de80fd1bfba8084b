/**
 * Monthly upload quotas, per team. `reserve` is one conditional upsert inside the caller's
 * transaction, so concurrent uploads can never exceed the limit (no count-then-insert race), and a
 * rolled-back upload gives its reservation back automatically. An upload token's own allowance
 * (its upload count) is taken the same way, in the same transaction.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../../auth/actor.ts';
import type { Clock } from '../../clock.ts';
import type { PlanName } from '../../config.ts';
import { ForbiddenError, NotFoundError, QuotaExceededError } from '../../errors.ts';
import { quotaPeriod } from './period.ts';

export interface QuotaStatus {
  plan: PlanName;
  limit: number;
  used: number;
  remaining: number;
  resetsAt: Date;
}

/** Whose quota: a team (an Actor is one, through its teamId). */
export interface QuotaOwner {
  teamId: string;
}

const tokenUsed = () => new ForbiddenError('This upload token has been used as many times as it allows', 'TOKEN_USED');

export class QuotaService {
  constructor(
    private readonly db: DataSource,
    private readonly plans: Record<PlanName, number>,
    private readonly clock: Clock,
  ) {}

  limitFor(plan: PlanName): number {
    return this.plans[plan] ?? this.plans.free;
  }

  private async planOf(tx: EntityManager | DataSource, teamId: string): Promise<PlanName> {
    const rows: { plan: PlanName }[] = await tx.query('SELECT plan FROM teams WHERE id = $1', [teamId]);
    if (!rows[0]) throw new NotFoundError('Team not found', 'TEAM_NOT_FOUND');
    return rows[0].plan;
  }

  async status(owner: QuotaOwner): Promise<QuotaStatus> {
    const period = quotaPeriod(this.clock.now());
    const plan = await this.planOf(this.db, owner.teamId);
    const rows: { used: number }[] = await this.db.query('SELECT used FROM usage WHERE team_id = $1 AND period = $2', [owner.teamId, period.key]);
    const limit = this.limitFor(plan);
    const used = rows[0]?.used ?? 0;
    return { plan, limit, used, remaining: Math.max(0, limit - used), resetsAt: period.resetsAt };
  }

  /**
   * Takes one upload from the team's quota this month inside `tx` (429 with Retry-After and RateLimit
   * headers when used up); for an upload token also one of its uploads (403 TOKEN_USED), noting the image.
   */
  async reserve(tx: EntityManager, actor: QuotaOwner & Pick<Actor, 'tokenId'>, imageId?: string): Promise<QuotaStatus> {
    if (actor.tokenId) {
      const [taken]: [unknown[], number] = await tx.query( // an UPDATE answers [rows, count]
        `UPDATE upload_tokens SET uploads = uploads + 1, image_ids = array_append(image_ids, $2) WHERE id = $1 AND uploads < max_uploads RETURNING id`,
        [actor.tokenId, imageId ?? null],
      );
      if (taken.length === 0) throw tokenUsed();
    }
    const period = quotaPeriod(this.clock.now());
    const plan = await this.planOf(tx, actor.teamId);
    const limit = this.limitFor(plan);
    const rows: { used: number }[] = await tx.query(
      `INSERT INTO usage (team_id, period, used) SELECT $1, $2, 1 WHERE $3::int > 0
       ON CONFLICT (team_id, period) DO UPDATE SET used = usage.used + 1 WHERE usage.used < $3
       RETURNING used`,
      [actor.teamId, period.key, limit],
    );
    if (rows.length === 0) throw this.exceeded({ plan, limit, used: limit, remaining: 0, resetsAt: period.resetsAt });
    const used = rows[0]!.used;
    return { plan, limit, used, remaining: Math.max(0, limit - used), resetsAt: period.resetsAt };
  }

  /** A pre-check before the upload's bytes are processed; `reserve` is what actually decides. */
  async assertAvailable(actor: QuotaOwner & Pick<Actor, 'tokenId'>): Promise<void> {
    if (actor.tokenId) {
      const rows: unknown[] = await this.db.query('SELECT 1 FROM upload_tokens WHERE id = $1 AND uploads < max_uploads', [actor.tokenId]);
      if (rows.length === 0) throw tokenUsed();
    }
    const status = await this.status(actor);
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
