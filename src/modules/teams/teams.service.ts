/** Teams and their members. Every change asks the policy first; a team always keeps an owner. */
import type { DataSource, EntityManager } from 'typeorm';
import { ROLES, type Actor, type Role } from '../../auth/actor.ts';
import type { PlanName } from '../../config.ts';
import { newId } from '../../db/ids.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { Membership } from '../accounts/membership.entity.ts';
import { Team } from '../accounts/team.entity.ts';
import { assertCan, inTeam } from './policy.ts';

export interface TeamView {
  id: string;
  name: string;
  plan: PlanName;
  role: Role;
  personal: boolean;
}

export interface MemberView {
  userId: string;
  email: string;
  role: Role;
  joinedAt: Date;
}

export function parseRole(role: unknown): Role {
  if (!(ROLES as readonly unknown[]).includes(role)) throw new ValidationError('role must be one of viewer, editor, admin, owner', 'INVALID_ROLE', 'role');
  return role as Role;
}

export class TeamsService {
  constructor(private readonly db: DataSource) {}

  /** The signed-in user's teams (a key or token sees only its own). */
  async list(actor: Actor): Promise<TeamView[]> {
    const rows: { id: string; name: string; plan: PlanName; role: Role; personal: boolean }[] = await this.db.query(
      `SELECT t.id, t.name, t.plan, m.role, t.personal_user_id = m.user_id AS personal FROM teams t JOIN memberships m ON m.team_id = t.id
       WHERE m.user_id = $1 ${actor.via === 'session' ? '' : 'AND t.id = $2'} ORDER BY (t.personal_user_id = m.user_id) DESC NULLS LAST, t.created_at, t.id`,
      actor.via === 'session' ? [actor.userId] : [actor.userId, actor.teamId],
    );
    return rows.map((r) => ({ ...r, personal: r.personal === true }));
  }

  async get(actor: Actor, teamId: string): Promise<TeamView> {
    const team = (await this.list(actor)).find((t) => t.id === teamId);
    if (!team) throw new ForbiddenError('Team not found or not yours', 'FORBIDDEN');
    return team;
  }

  async create(actor: Actor, name: unknown): Promise<TeamView> {
    if (actor.via !== 'session') throw new ForbiddenError('Teams are created by signed-in users', 'FORBIDDEN');
    if (typeof name !== 'string' || !name.trim() || name.trim().length > 100) throw new ValidationError('name is required (1 to 100 characters)', 'INVALID_NAME', 'name');
    const id = newId('team');
    await this.db.transaction(async (tx) => {
      await tx.insert(Team, { id, name: name.trim(), plan: 'free', personalUserId: null });
      await tx.insert(Membership, { teamId: id, userId: actor.userId, role: 'owner' });
    });
    return { id, name: name.trim(), plan: 'free', role: 'owner', personal: false };
  }

  async members(actor: Actor, teamId: string): Promise<MemberView[]> {
    assertCan(inTeam(actor, teamId), 'images:read', { teamId });
    const rows: { user_id: string; email: string; role: Role; created_at: Date }[] = await this.db.query(
      'SELECT m.user_id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = $1 ORDER BY m.created_at, u.email',
      [teamId],
    );
    return rows.map((r) => ({ userId: r.user_id, email: r.email, role: r.role, joinedAt: r.created_at }));
  }

  /** Admins manage members below owner; only owners make or unmake owners. */
  private async lockedMember(tx: EntityManager, actor: Actor, teamId: string, userId: string): Promise<Membership> {
    const acting = inTeam(actor, teamId);
    assertCan(acting, 'members:write', { teamId });
    // serialise changes per team so two demotions cannot both pass the "another owner" check
    await tx.query('SELECT id FROM teams WHERE id = $1 FOR UPDATE', [teamId]);
    const member = await tx.findOneBy(Membership, { teamId, userId });
    if (!member) throw new NotFoundError('No such member of this team', 'MEMBER_NOT_FOUND');
    if (member.role === 'owner') assertCan(acting, 'owners:write', { teamId });
    return member;
  }

  private async assertAnotherOwner(tx: EntityManager, teamId: string, userId: string): Promise<void> {
    const rows: unknown[] = await tx.query("SELECT 1 FROM memberships WHERE team_id = $1 AND role = 'owner' AND user_id <> $2", [teamId, userId]);
    if (rows.length === 0) throw new ConflictError('A team keeps at least one owner', 'LAST_OWNER');
  }

  async updateMember(actor: Actor, teamId: string, userId: string, role: unknown): Promise<MemberView> {
    const newRole = parseRole(role);
    await this.db.transaction(async (tx) => {
      const member = await this.lockedMember(tx, actor, teamId, userId);
      if (newRole === 'owner') assertCan(inTeam(actor, teamId), 'owners:write', { teamId });
      if (member.role === 'owner' && newRole !== 'owner') await this.assertAnotherOwner(tx, teamId, userId);
      await tx.update(Membership, { teamId, userId }, { role: newRole });
    });
    return (await this.members(actor, teamId)).find((m) => m.userId === userId)!;
  }

  /** A member may always leave; the removed member's sessions, keys and tokens lose the team at once (actors resolve per request). */
  async removeMember(actor: Actor, teamId: string, userId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (userId !== actor.userId || actor.via !== 'session') await this.lockedMember(tx, actor, teamId, userId);
      else await tx.query('SELECT id FROM teams WHERE id = $1 FOR UPDATE', [teamId]);
      const member = await tx.findOneBy(Membership, { teamId, userId });
      if (!member) throw new NotFoundError('No such member of this team', 'MEMBER_NOT_FOUND');
      if (member.role === 'owner') await this.assertAnotherOwner(tx, teamId, userId);
      const team = await tx.findOneByOrFail(Team, { id: teamId });
      if (team.personalUserId === userId) throw new ConflictError("A personal team's own user cannot leave it", 'LAST_OWNER');
      await tx.delete(Membership, { teamId, userId });
    });
  }

  /** Renames (admins) and/or changes the plan (owners). */
  async update(actor: Actor, teamId: string, changes: { name?: unknown; plan?: unknown }, plans: readonly PlanName[]): Promise<TeamView> {
    const acting = inTeam(actor, teamId);
    const set: Partial<Team> = {};
    if (changes.name !== undefined) {
      assertCan(acting, 'members:write', { teamId });
      if (typeof changes.name !== 'string' || !changes.name.trim() || changes.name.trim().length > 100) throw new ValidationError('name is required (1 to 100 characters)', 'INVALID_NAME', 'name');
      set.name = changes.name.trim();
    }
    if (changes.plan !== undefined) {
      assertCan(acting, 'plan:write', { teamId });
      if (!plans.includes(changes.plan as PlanName)) throw new ValidationError(`plan must be one of ${plans.join(', ')}`, 'UNKNOWN_PLAN', 'plan');
      set.plan = changes.plan as PlanName;
    }
    if (!Object.keys(set).length) throw new ValidationError('Send "name" and/or "plan"', 'INVALID_INPUT');
    await this.db.getRepository(Team).update({ id: teamId }, set);
    return this.get(actor, teamId);
  }

  /** Deletes the team and everything it holds (owners only; never a personal team). */
  async delete(actor: Actor, teamId: string): Promise<void> {
    assertCan(inTeam(actor, teamId), 'team:delete', { teamId });
    const team = await this.db.getRepository(Team).findOneByOrFail({ id: teamId });
    if (team.personalUserId) throw new ConflictError('A personal team cannot be deleted', 'CONFLICT');
    // its images' files would be left behind: collections are deleted (with their files) first
    const held: unknown[] = await this.db.query('SELECT 1 FROM collections WHERE team_id = $1 LIMIT 1', [teamId]);
    if (held.length) throw new ConflictError('Delete the team\'s collections first', 'CONFLICT');
    await this.db.getRepository(Team).delete({ id: teamId });
  }
}
