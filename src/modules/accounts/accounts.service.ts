/** Users, sessions and API keys. Knows nothing of HTTP: callers pass the client address and tokens. */
import { In, IsNull, type DataSource, type Repository } from 'typeorm';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { PLAN_NAMES, type PlanName } from '../../config.ts';
import { newId } from '../../db/ids.ts';
import { ConflictError, NotFoundError, UnauthenticatedError, ValidationError } from '../../errors.ts';
import { ApiKey } from './api-key.entity.ts';
import { LoginThrottler } from './login-throttle.ts';
import { dummyHash, hashPassword, verifyPassword } from './password.ts';
import { Session } from './session.entity.ts';
import { hashSecret, newApiKey, newSessionToken } from './tokens.ts';
import { User } from './user.entity.ts';

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
/** last_used_at is written at most this often per key, so authenticated traffic does not write every request. */
const KEY_TOUCH_INTERVAL_MS = 60_000;

const emailSchema = z.email({ error: 'Enter a valid email address' }).max(254);

export interface Credentials {
  email: string;
  password: string;
}

export interface NewSession {
  user: User;
  token: string;
  expiresAt: Date;
}

export type Viewer = { user: User; via: 'session'; sessionId: string } | { user: User; via: 'apiKey'; apiKeyId: string };

export class AccountsService {
  private readonly users: Repository<User>;
  private readonly sessions: Repository<Session>;
  private readonly keys: Repository<ApiKey>;
  private readonly throttle: LoginThrottler;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {
    this.users = db.getRepository(User);
    this.sessions = db.getRepository(Session);
    this.keys = db.getRepository(ApiKey);
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
    const user = this.users.create({ id: newId('usr'), email, passwordHash, plan: 'free' });
    try {
      await this.users.insert(user);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ConflictError('An account with this email already exists', 'EMAIL_TAKEN');
      throw err;
    }
    return this.startSession((await this.users.findOneByOrFail({ id: user.id })));
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
    return { user, token, expiresAt };
  }

  async logOut(token: string): Promise<void> {
    await this.sessions.update({ tokenHash: hashSecret(token), revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }

  async viewerFromSession(token: string): Promise<Viewer | null> {
    const session = await this.sessions.findOne({ where: { tokenHash: hashSecret(token) }, relations: { user: true } });
    if (!session?.user || session.revokedAt || session.expiresAt <= this.clock.now()) return null;
    return { user: session.user, via: 'session', sessionId: session.id };
  }

  async viewerFromApiKey(key: string): Promise<Viewer | null> {
    const apiKey = await this.keys.findOne({ where: { keyHash: hashSecret(key) }, relations: { user: true } });
    if (!apiKey?.user || apiKey.revokedAt) return null;
    const now = this.clock.now();
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > KEY_TOUCH_INTERVAL_MS) {
      await this.keys.update({ id: apiKey.id }, { lastUsedAt: now });
    }
    return { user: apiKey.user, via: 'apiKey', apiKeyId: apiKey.id };
  }

  async createApiKey(userId: string, name: unknown): Promise<{ apiKey: ApiKey; key: string }> {
    if (typeof name !== 'string' || !name.trim() || name.trim().length > 100) {
      throw new ValidationError('name is required (1 to 100 characters)', 'INVALID_NAME', 'name');
    }
    const key = newApiKey();
    const apiKey = this.keys.create({
      id: newId('key'),
      userId,
      name: name.trim(),
      prefix: key.slice(0, 15),
      keyHash: hashSecret(key),
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.keys.insert(apiKey);
    return { apiKey: await this.keys.findOneByOrFail({ id: apiKey.id }), key };
  }

  listApiKeys(userId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** Those of `ids` that are the user's unrevoked keys (any order). */
  findApiKeys(userId: string, ids: readonly string[]): Promise<ApiKey[]> {
    return ids.length ? this.keys.findBy({ userId, id: In([...ids]), revokedAt: IsNull() }) : Promise.resolve([]);
  }

  async revokeApiKey(userId: string, id: string): Promise<void> {
    const result = await this.keys.update({ id, userId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    if (!result.affected) throw new NotFoundError('API key not found', 'API_KEY_NOT_FOUND');
  }

  async setPlan(email: string, plan: string): Promise<User> {
    if (!PLAN_NAMES.includes(plan as PlanName)) {
      throw new ValidationError(`Unknown plan "${plan}" (plans: ${PLAN_NAMES.join(', ')})`, 'UNKNOWN_PLAN', 'plan');
    }
    const user = await this.users.findOneBy({ email: AccountsService.normaliseEmail(email) });
    if (!user) throw new NotFoundError(`No user with email ${email}`, 'USER_NOT_FOUND');
    await this.users.update({ id: user.id }, { plan: plan as PlanName });
    return { ...user, plan: plan as PlanName };
  }

  listUsers(): Promise<User[]> {
    return this.users.find({ order: { createdAt: 'ASC' } });
  }
}
