/** Users and sessions; sign-up also makes the user's personal team. Knows nothing of HTTP: callers pass the client address and tokens. */
import { IsNull, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { z } from 'zod';
import type { Actor, Role } from '../../auth/actor.ts';
import type { Clock } from '../../clock.ts';
import { PLAN_NAMES, type PlanName } from '../../config.ts';
import { newId } from '../../db/ids.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../../errors.ts';
import { LoginThrottler } from './login-throttle.ts';
import { dummyHash, hashPassword, verifyPassword } from './password.ts';
import { Session } from './session.entity.ts';
import { Membership } from './membership.entity.ts';
import { Team } from './team.entity.ts';
import { hashSecret, newSessionToken } from './tokens.ts';
import { User } from './user.entity.ts';

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

const emailSchema = z.email({ error: 'Enter a valid email address' }).max(254);

export interface Credentials {
  email: string;
  password: string;
}

export interface NewSession {
  user: Account;
  token: string;
  expiresAt: Date;
}

export interface SessionMemberships {
  userId: string;
  sessionId: string;
  teams: Record<string, Role>;
  personalTeamId: string | null;
}

/** A user as REST and GraphQL show them: with their personal team's plan. */
export type Account = Pick<User, 'id' | 'email' | 'createdAt'> & { plan: PlanName; personalTeamId: string };

export class AccountsService {
  private readonly users: Repository<User>;
  private readonly sessions: Repository<Session>;
  private readonly throttle: LoginThrottler;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {
    this.users = db.getRepository(User);
    this.sessions = db.getRepository(Session);
    this.throttle = new LoginThrottler(db, clock);
  }

  static normaliseEmail(email: string): string {
    return email.trim().toLowerCase();
  }

  private parseCredentials(input: Credentials): Credentials {
    if (typeof input.email !== 'string' || typeof input.password !== 'string') {
      throw new ValidationError('email and password are required', 'INVALID_INPUT');
    }
    const email = AccountsService.normaliseEmail(input.email);
    if (!emailSchema.safeParse(email).success) throw new ValidationError('Enter a valid email address', 'INVALID_EMAIL', 'email');
    return { email, password: input.password };
  }

  async signUp(input: Credentials): Promise<NewSession> {
    const { email, password } = this.parseCredentials(input);
    if (password.length < 8) throw new ValidationError('Password must be at least 8 characters', 'WEAK_PASSWORD', 'password');
    if (password.length > 1024) throw new ValidationError('Password must be at most 1024 characters', 'INVALID_INPUT', 'password');
    const passwordHash = await hashPassword(password);
    const user = this.users.create({ id: newId('usr'), email, passwordHash });
    try {
      await this.db.transaction(async (tx) => {
        await tx.insert(User, user);
        await AccountsService.makePersonalTeam(tx, user.id, email);
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ConflictError('An account with this email already exists', 'EMAIL_TAKEN');
      throw err;
    }
    return this.startSession((await this.users.findOneByOrFail({ id: user.id })));
  }

  /** Every user's own team, made with them: it holds their collections, plan and quota. */
  private static async makePersonalTeam(tx: EntityManager, userId: string, email: string): Promise<void> {
    const teamId = newId('team');
    await tx.insert(Team, { id: teamId, name: email, plan: 'free', personalUserId: userId });
    await tx.insert(Membership, { teamId, userId, role: 'owner' });
  }

  /** The user with their personal team's plan. */
  async account(userId: string): Promise<Account> {
    const rows: { id: string; email: string; created_at: Date; plan: PlanName; team_id: string }[] = await this.db.query(
      'SELECT u.id, u.email, u.created_at, t.plan, t.id AS team_id FROM users u JOIN teams t ON t.personal_user_id = u.id WHERE u.id = $1',
      [userId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError('No such user', 'USER_NOT_FOUND');
    return { id: row.id, email: row.email, createdAt: row.created_at, plan: row.plan, personalTeamId: row.team_id };
  }

  /** The signed-in user (or a key's creator); an upload token is nobody's account. */
  me(actor: Actor): Promise<Account> {
    if (actor.via === 'uploadToken') throw new ForbiddenError('An upload token only uploads', 'FORBIDDEN');
    return this.account(actor.userId);
  }

  /** Always the same 401 for unknown email and wrong password; throttled as login-throttle.ts explains. */
  async logIn(input: Credentials, ip?: string): Promise<NewSession> {
    const { email, password } = this.parseCredentials(input);
    await this.throttle.assertAllowed(email, ip);
    const user = await this.users.findOneBy({ email });
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
    if (!user || !ok) {
      await this.throttle.recordFailure(email, ip);
      throw new UnauthenticatedError('Invalid email or password', 'INVALID_CREDENTIALS');
    }
    await this.throttle.reset(email, ip);
    return this.startSession(user);
  }

  /** A fresh token on every login, so a planted session id is never promoted (no fixation). */
  private async startSession(user: User): Promise<NewSession> {
    const token = newSessionToken();
    const expiresAt = new Date(this.clock.now().getTime() + SESSION_TTL_MS);
    await this.sessions.insert({ id: newId('ses'), userId: user.id, tokenHash: hashSecret(token), expiresAt, revokedAt: null });
    return { user: await this.account(user.id), token, expiresAt };
  }

  async logOut(token: string): Promise<void> {
    await this.sessions.update({ tokenHash: hashSecret(token), revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }

  /**
   * A live session's user with their role in each team, in one query (it runs on every request):
   * null for an unknown, revoked or expired session.
   */
  async sessionMemberships(token: string): Promise<SessionMemberships | null> {
    const rows: { session_id: string; user_id: string; team_id: string; role: Role; personal: boolean }[] = await this.db.query(
      `SELECT s.id AS session_id, s.user_id, m.team_id, m.role, t.personal_user_id IS NOT DISTINCT FROM s.user_id AS personal
         FROM sessions s JOIN memberships m ON m.user_id = s.user_id JOIN teams t ON t.id = m.team_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
      [hashSecret(token), this.clock.now()],
    );
    if (!rows.length) return null;
    return {
      userId: rows[0]!.user_id,
      sessionId: rows[0]!.session_id,
      teams: Object.fromEntries(rows.map((r) => [r.team_id, r.role])),
      personalTeamId: rows.find((r) => r.personal)?.team_id ?? null,
    };
  }

  /** Sets the plan of the user's personal team (operators: `optimage users set-plan`). */
  async setPlan(email: string, plan: string): Promise<Account> {
    if (!PLAN_NAMES.includes(plan as PlanName)) {
      throw new ValidationError(`Unknown plan "${plan}" (plans: ${PLAN_NAMES.join(', ')})`, 'UNKNOWN_PLAN', 'plan');
    }
    const user = await this.users.findOneBy({ email: AccountsService.normaliseEmail(email) });
    if (!user) throw new NotFoundError(`No user with email ${email}`, 'USER_NOT_FOUND');
    await this.db.getRepository(Team).update({ personalUserId: user.id }, { plan: plan as PlanName });
    return this.account(user.id);
  }

  async listUsers(): Promise<Account[]> {
    const users = await this.users.find({ order: { createdAt: 'ASC' } });
    return Promise.all(users.map((u) => this.account(u.id)));
  }
}
