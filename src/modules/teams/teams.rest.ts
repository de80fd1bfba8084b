/** REST: teams, members, invitations and upload tokens (contract §10). Thin: parse, call, map. */
import type { PlanName } from '../../config.ts';
import type { Route } from '../../adapter/rest-route.ts';
import type { Invitation } from './invitation.entity.ts';
import type { InvitationsService } from './invitations.service.ts';
import type { MemberView, TeamsService } from './teams.service.ts';
import type { UploadTokensService } from './upload-tokens.service.ts';
import type { Actor } from '../../auth/actor.ts';

/** The team of a collection the actor may upload into (403 COLLECTION_FORBIDDEN otherwise). */
export type CollectionTeam = (actor: Actor, collectionId: string) => Promise<string>;

export const memberJson = (m: MemberView) => ({ userId: m.userId, email: m.email, role: m.role, joinedAt: m.joinedAt.toISOString() });
export const invitationJson = (i: Invitation, url?: string) => ({ id: i.id, teamId: i.teamId, email: i.email, role: i.role, expiresAt: i.expiresAt.toISOString(), ...(url ? { url } : {}) });

export function teamsRoutes(
  deps: { teams: TeamsService; invitations: InvitationsService; uploadTokens: UploadTokensService; collectionTeam: CollectionTeam },
  settings: { plans: readonly PlanName[] },
): Route[] {
  const { teams, invitations, uploadTokens } = deps;
  return [
    { method: 'GET', path: '/api/v1/teams', handler: async (req) => ({ status: 200, body: await teams.list(req.actor!) }) },
    { method: 'POST', path: '/api/v1/teams', handler: async (req) => ({ status: 201, body: await teams.create(req.actor!, (await req.json()).name) }) },
    { method: 'GET', path: '/api/v1/teams/:id', handler: async (req) => ({ status: 200, body: await teams.get(req.actor!, req.params.id!) }) },
    {
      method: 'PATCH',
      path: '/api/v1/teams/:id',
      handler: async (req) => ({ status: 200, body: await teams.update(req.actor!, req.params.id!, await req.json(), settings.plans) }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/teams/:id',
      handler: async (req) => {
        await teams.delete(req.actor!, req.params.id!);
        return { status: 204 };
      },
    },
    { method: 'GET', path: '/api/v1/teams/:id/members', handler: async (req) => ({ status: 200, body: (await teams.members(req.actor!, req.params.id!)).map(memberJson) }) },
    {
      method: 'PATCH',
      path: '/api/v1/teams/:id/members/:userId',
      handler: async (req) => ({ status: 200, body: memberJson(await teams.updateMember(req.actor!, req.params.id!, req.params.userId!, (await req.json()).role)) }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/teams/:id/members/:userId',
      handler: async (req) => {
        await teams.removeMember(req.actor!, req.params.id!, req.params.userId!);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/teams/:id/invitations',
      handler: async (req) => ({ status: 200, body: (await invitations.list(req.actor!, req.params.id!)).map((i) => invitationJson(i)) }),
    },
    {
      method: 'POST',
      path: '/api/v1/teams/:id/invitations',
      handler: async (req) => {
        const body = await req.json();
        const { invitation, url } = await invitations.create(req.actor!, req.params.id!, body.email, body.role);
        return { status: 201, body: invitationJson(invitation, url) };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/invitations/accept',
      handler: async (req) => ({ status: 200, body: await invitations.accept(req.actor!, (await req.json()).token) }),
    },
    {
      method: 'POST',
      path: '/api/v1/upload-tokens',
      handler: async (req) => {
        const body = await req.json();
        const teamId = await deps.collectionTeam(req.actor!, String(body.collection));
        const { token, row } = await uploadTokens.create(req.actor!, teamId, body);
        return { status: 201, body: { token, id: row.id, collection: row.collectionId, expiresAt: row.expiresAt.toISOString(), maxUploads: row.maxUploads, maxBytes: row.maxBytes, slug: row.slug } };
      },
    },
  ];
}
