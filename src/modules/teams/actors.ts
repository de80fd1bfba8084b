/**
 * Turns a request's credential into its Actor, once per request at the edge: a session (in the
 * personal team, or the team the request names), an API key (its team, its scopes narrowed to the
 * creator's CURRENT role) or an upload token (its collection, its own images).
 */
import type { DataSource } from 'typeorm';
import { KEY_SCOPES, ROLE_ACTIONS, type Action, type Actor, type Role } from '../../auth/actor.ts';
import type { Clock } from '../../clock.ts';
import { ForbiddenError, UnauthenticatedError } from '../../errors.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import { ApiKey } from '../accounts/api-key.entity.ts';
import { hashSecret } from '../accounts/tokens.ts';
import { UploadToken } from './upload-token.entity.ts';

/** last_used_at is written at most this often per key, so authenticated traffic does not write every request. */
const KEY_TOUCH_INTERVAL_MS = 60_000;
export const UPLOAD_TOKEN_PREFIX = 'upt_';

export class ActorResolver {
  constructor(
    private readonly db: DataSource,
    private readonly accounts: AccountsService,
    private readonly clock: Clock,
  ) {}

  /** The user's role in each of their teams, and which team is their personal one. */
  private async memberships(userId: string): Promise<{ teams: Record<string, Role>; personal: string | null }> {
    const rows: { team_id: string; role: Role; personal: boolean }[] = await this.db.query(
      'SELECT m.team_id, m.role, t.personal_user_id IS NOT NULL AND t.personal_user_id = m.user_id AS personal FROM memberships m JOIN teams t ON t.id = m.team_id WHERE m.user_id = $1',
      [userId],
    );
    return { teams: Object.fromEntries(rows.map((r) => [r.team_id, r.role])), personal: rows.find((r) => r.personal)?.team_id ?? null };
  }

  private async roleIn(teamId: string, userId: string): Promise<Role | null> {
    const rows: { role: Role }[] = await this.db.query('SELECT role FROM memberships WHERE team_id = $1 AND user_id = $2', [teamId, userId]);
    return rows[0]?.role ?? null;
  }

  /** `team`: the team the request names (`?team=`, `X-Optimage-Team`); a team the user is not in is 403. */
  async fromSession(token: string, team: string | null): Promise<Actor | null> {
    const found = await this.accounts.sessionMemberships(token);
    if (!found) return null;
    const teamId = team ?? found.personalTeamId;
    const role = teamId ? found.teams[teamId] : undefined;
    if (!teamId || !role) throw new ForbiddenError('Team not found or not yours', 'FORBIDDEN');
    return { userId: found.userId, teamId, role, scopes: ROLE_ACTIONS[role], teams: found.teams, via: 'session', sessionId: found.sessionId };
  }

  async fromApiKey(key: string): Promise<Actor | null> {
    const apiKey = await this.db.getRepository(ApiKey).findOneBy({ keyHash: hashSecret(key) });
    const now = this.clock.now();
    if (!apiKey || apiKey.revokedAt || (apiKey.expiresAt && apiKey.expiresAt <= now)) return null;
    const role = await this.roleIn(apiKey.teamId, apiKey.userId);
    if (!role) return null; // the creator left the team: the key goes with them
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > KEY_TOUCH_INTERVAL_MS) {
      await this.db.getRepository(ApiKey).update({ id: apiKey.id }, { lastUsedAt: now });
    }
    const scopes = ROLE_ACTIONS[role].filter((a) => (KEY_SCOPES as readonly Action[]).includes(a) && (apiKey.scopes as Action[]).includes(a));
    return { userId: apiKey.userId, teamId: apiKey.teamId, role, scopes, collectionIds: apiKey.collectionIds ?? undefined, via: 'apiKey', apiKeyId: apiKey.id };
  }

  /** An expired token is 401 TOKEN_EXPIRED (not a bare 401: the page should mint a new one). */
  async fromUploadToken(secret: string): Promise<Actor | null> {
    const token = await this.db.getRepository(UploadToken).findOneBy({ tokenHash: hashSecret(secret) });
    if (!token) return null;
    if (token.expiresAt <= this.clock.now()) throw new UnauthenticatedError('This upload token has expired', 'TOKEN_EXPIRED');
    const role = await this.roleIn(token.teamId, token.issuedBy);
    if (!role) return null;
    // it reads back its own images and uploads, if its issuer still may
    const scopes: Action[] = ROLE_ACTIONS[role].includes('images:write') ? ['images:read', 'images:upload'] : [];
    return {
      userId: token.issuedBy,
      teamId: token.teamId,
      role,
      scopes,
      collectionIds: [token.collectionId],
      via: 'uploadToken',
      tokenId: token.id,
      upload: { maxBytes: token.maxBytes, slug: token.slug },
      imageIds: token.imageIds,
    };
  }

  /** The user in their personal team (or `team`), as a session would be: for the CLI, benches and tests. */
  async forUser(userId: string, team: string | null = null): Promise<Actor> {
    const { teams, personal } = await this.memberships(userId);
    const teamId = team ?? personal;
    const role = teamId ? teams[teamId] : undefined;
    if (!teamId || !role) throw new ForbiddenError('Team not found or not yours', 'FORBIDDEN');
    return { userId, teamId, role, scopes: ROLE_ACTIONS[role], teams, via: 'session' };
  }

  /** An explicit but invalid bearer never falls back to the cookie: the caller meant the bearer. */
  async resolve(creds: { bearer: string | null; sessionToken: string | null; team: string | null }): Promise<Actor | null> {
    if (creds.bearer) return creds.bearer.startsWith(UPLOAD_TOKEN_PREFIX) ? this.fromUploadToken(creds.bearer) : this.fromApiKey(creds.bearer);
    if (creds.sessionToken) return this.fromSession(creds.sessionToken, creds.team);
    return null;
  }
}
