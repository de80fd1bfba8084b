/** GraphQL: teams, members, invitations and upload tokens (contract §10). */
import { ROLES, type Role } from '../../auth/actor.ts';
import { builder } from '../../graphql/builder.ts';
import { DeletedRef } from '../../graphql/error-types.ts';
import { can, inTeam } from './policy.ts';
import type { Invitation } from './invitation.entity.ts';
import { TeamRef } from './team-ref.ts';
import type { MemberView } from './teams.service.ts';

const RoleEnum = builder.enumType('TeamRole', { values: ROLES.map((r) => r.toUpperCase()) as ['VIEWER', 'EDITOR', 'ADMIN', 'OWNER'] });
const toRole = (r: string): Role => r.toLowerCase() as Role;
const fromRole = (r: Role) => r.toUpperCase() as 'VIEWER' | 'EDITOR' | 'ADMIN' | 'OWNER';

const MemberRef = builder.objectRef<MemberView>('TeamMember').implement({
  fields: (t) => ({
    userId: t.exposeID('userId'),
    email: t.exposeString('email'),
    role: t.field({ type: RoleEnum, resolve: (m) => fromRole(m.role) }),
    joinedAt: t.expose('joinedAt', { type: 'DateTime' }),
  }),
});

const InvitationRef = builder.objectRef<Invitation & { url?: string }>('Invitation').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    role: t.field({ type: RoleEnum, resolve: (i) => fromRole(i.role) }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    url: t.string({ nullable: true, description: 'The link with the one-time token: only in inviteMember\'s answer.', resolve: (i) => i.url ?? null }),
  }),
});

TeamRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    plan: t.exposeString('plan'),
    personal: t.exposeBoolean('personal'),
    role: t.field({ type: RoleEnum, description: "The viewer's role here.", resolve: (team) => fromRole(team.role) }),
    members: t.field({ type: [MemberRef], resolve: (team, _a, ctx) => ctx.services.teams.members(ctx.actor!, team.id) }),
    invitations: t.field({
      type: [InvitationRef],
      nullable: true,
      description: 'Pending invitations (admins and owners; null for others).',
      resolve: (team, _a, ctx) => {
        const acting = ctx.actor!.teamId === team.id ? ctx.actor! : ctx.actor!.teams?.[team.id] ? inTeam(ctx.actor!, team.id) : null;
        return acting && can(acting, 'members:write', { teamId: team.id }) ? ctx.services.invitations.list(acting, team.id) : null;
      },
    }),
  }),
});

const UploadTokenRef = builder.objectRef<{ token: string; expiresAt: Date; collectionId: string; maxUploads: number }>('UploadToken').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Send as `Authorization: Bearer upt_…`; it only uploads into its collection.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    collectionId: t.exposeID('collectionId'),
    maxUploads: t.exposeInt('maxUploads'),
  }),
});

builder.queryFields((t) => ({
  teams: t.field({ type: [TeamRef], authScopes: { loggedIn: true }, description: "The viewer's teams, the personal one first.", resolve: (_r, _a, ctx) => ctx.services.teams.list(ctx.actor!) }),
}));

builder.mutationFields((t) => ({
  createTeam: t.field({ type: TeamRef, errors: {}, authScopes: { loggedIn: true }, args: { name: t.arg.string() }, resolve: (_r, args, ctx) => ctx.services.teams.create(ctx.actor!, args.name) }),
  inviteMember: t.field({
    type: InvitationRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { teamId: t.arg.id(), email: t.arg.string(), role: t.arg({ type: RoleEnum }) },
    resolve: async (_r, args, ctx) => {
      const { invitation, url } = await ctx.services.invitations.create(ctx.actor!, String(args.teamId), args.email, toRole(args.role));
      return { ...invitation, url };
    },
  }),
  acceptInvitation: t.field({ type: TeamRef, errors: {}, authScopes: { loggedIn: true }, args: { token: t.arg.string() }, resolve: (_r, args, ctx) => ctx.services.invitations.accept(ctx.actor!, args.token) }),
  updateMember: t.field({
    type: MemberRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { teamId: t.arg.id(), userId: t.arg.id(), role: t.arg({ type: RoleEnum }) },
    resolve: (_r, args, ctx) => ctx.services.teams.updateMember(ctx.actor!, String(args.teamId), String(args.userId), toRole(args.role)),
  }),
  removeMember: t.field({
    type: DeletedRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { teamId: t.arg.id(), userId: t.arg.id() },
    resolve: async (_r, args, ctx) => {
      await ctx.services.teams.removeMember(ctx.actor!, String(args.teamId), String(args.userId));
      return { id: String(args.userId) };
    },
  }),
  createUploadToken: t.field({
    type: UploadTokenRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: {
      collectionId: t.arg.id(),
      expiresIn: t.arg.int({ required: false }),
      maxUploads: t.arg.int({ required: false }),
      maxBytes: t.arg.int({ required: false }),
      slug: t.arg.string({ required: false }),
    },
    resolve: async (_r, args, ctx) => {
      const collection = await ctx.services.collections.assertOwned(ctx.actor!, String(args.collectionId));
      const input = { collection: collection.id, expiresIn: args.expiresIn ?? undefined, maxUploads: args.maxUploads ?? undefined, maxBytes: args.maxBytes ?? undefined, slug: args.slug ?? undefined };
      const { token, row } = await ctx.services.uploadTokens.create(ctx.actor!, collection.teamId, input);
      return { token, expiresAt: row.expiresAt, collectionId: row.collectionId, maxUploads: row.maxUploads };
    },
  }),
}));
