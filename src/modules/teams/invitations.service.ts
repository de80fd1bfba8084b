/** Invitations by email with a role: a one-time token (stored hashed), 7 days, accepted by that email's user. */
import { randomBytes } from 'node:crypto';
import { IsNull, MoreThan, type DataSource } from 'typeorm';
import { z } from 'zod';
import { roleRank, type Actor, type Role } from '../../auth/actor.ts';
import type { Clock } from '../../clock.ts';
import { newId } from '../../db/ids.ts';
import { ValidationError } from '../../errors.ts';
import { Membership } from '../accounts/membership.entity.ts';
import { hashSecret } from '../accounts/tokens.ts';
import { Invitation } from './invitation.entity.ts';
import { assertCan, inTeam } from './policy.ts';
import { parseRole, type TeamsService, type TeamView } from './teams.service.ts';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
const emailSchema = z.email().max(254);

export interface NewInvitation {
  invitation: Invitation;
  /** The one-time token; shown only in the answer that creates it. */
  token: string;
  /** The link to share: the dashboard, which accepts it once signed in. */
  url: string;
}

const invalid = () => new ValidationError('This invitation is unknown, used, expired, or for another email address', 'INVITATION_INVALID');

export class InvitationsService {
  constructor(
    private readonly db: DataSource,
    private readonly teams: TeamsService,
    private readonly clock: Clock,
    private readonly publicBaseUrl: string,
  ) {}

  /** Admins invite below owner; owners may invite owners. */
  async create(actor: Actor, teamId: string, email: unknown, role: unknown): Promise<NewInvitation> {
    const acting = inTeam(actor, teamId);
    assertCan(acting, 'members:write', { teamId });
    const parsedRole: Role = parseRole(role);
    if (parsedRole === 'owner') assertCan(acting, 'owners:write', { teamId });
    const address = typeof email === 'string' ? email.trim().toLowerCase() : '';
    if (!emailSchema.safeParse(address).success) throw new ValidationError('Enter a valid email address', 'INVALID_EMAIL', 'email');
    const token = `inv_${randomBytes(32).toString('base64url')}`;
    const invitation = this.db.getRepository(Invitation).create({
      id: newId('inv'),
      teamId,
      email: address,
      role: parsedRole,
      tokenHash: hashSecret(token),
      invitedBy: actor.userId,
      expiresAt: new Date(this.clock.now().getTime() + INVITATION_TTL_MS),
      acceptedAt: null,
    });
    await this.db.getRepository(Invitation).insert(invitation);
    return { invitation, token, url: `${this.publicBaseUrl}/?invitation=${encodeURIComponent(token)}` };
  }

  /** Pending invitations of a team (admins). */
  list(actor: Actor, teamId: string): Promise<Invitation[]> {
    assertCan(inTeam(actor, teamId), 'members:write', { teamId });
    return this.db.getRepository(Invitation).find({ where: { teamId, acceptedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) }, order: { createdAt: 'DESC' } });
  }

  /** Single use: the row is claimed with a conditional update; an existing member keeps the higher role. */
  async accept(actor: Actor, token: unknown): Promise<TeamView> {
    if (actor.via !== 'session' || typeof token !== 'string') throw invalid();
    const now = this.clock.now();
    const [user] = (await this.db.query('SELECT email FROM users WHERE id = $1', [actor.userId])) as { email: string }[];
    const email = user?.email ?? '';
    const teamId = await this.db.transaction(async (tx) => {
      // an UPDATE answers [rows, count]
      const [claimed]: [{ team_id: string; role: Role }[], number] = await tx.query(
        `UPDATE invitations SET accepted_at = $3 WHERE token_hash = $1 AND email = $2 AND accepted_at IS NULL AND expires_at > $3 RETURNING team_id, role`,
        [hashSecret(token), email, now],
      );
      const inv = claimed[0];
      if (!inv) throw invalid();
      const existing = await tx.findOneBy(Membership, { teamId: inv.team_id, userId: actor.userId });
      if (!existing) await tx.insert(Membership, { teamId: inv.team_id, userId: actor.userId, role: inv.role });
      else if (roleRank(inv.role) > roleRank(existing.role)) await tx.update(Membership, { teamId: inv.team_id, userId: actor.userId }, { role: inv.role });
      return inv.team_id;
    });
    return this.teams.get({ ...actor, teams: undefined }, teamId);
  }
}
