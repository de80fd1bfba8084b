import { builder } from '../../graphql/builder.ts';
import { DeletedRef } from '../../graphql/error-types.ts';
import { NodeInterface, registerNode } from '../../graphql/node.ts';
import type { ApiKey } from './api-key.entity.ts';
import { clearedSessionCookie, sessionCookie } from './session-cookie.ts';
import type { User } from './user.entity.ts';

export const UserRef = builder.objectRef<User>('User').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    plan: t.exposeString('plan'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const ApiKeyRef = builder.objectRef<ApiKey>('ApiKey').implement({
  description: 'A server credential. The secret itself is only returned once, by createApiKey.',
  interfaces: [NodeInterface],
  fields: (t) => ({
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to recognise it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
  }),
});

registerNode('key', ApiKeyRef, (ids, ctx) => ctx.services.accounts.findApiKeys(ctx.viewer!.user.id, ids));

const NewApiKeyRef = builder.objectRef<{ apiKey: ApiKey; key: string }>('NewApiKey').implement({
  fields: (t) => ({
    id: t.id({ resolve: (p) => p.apiKey.id }),
    name: t.string({ resolve: (p) => p.apiKey.name }),
    key: t.exposeString('key', { description: 'The secret: send it as `Authorization: Bearer <key>`. Shown only here.' }),
    createdAt: t.field({ type: 'DateTime', resolve: (p) => p.apiKey.createdAt }),
  }),
});

const AuthPayloadRef = builder.objectRef<{ user: User }>('AuthPayload').implement({
  fields: (t) => ({ user: t.field({ type: UserRef, resolve: (p) => p.user }) }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: UserRef,
    nullable: true,
    authScopes: { loggedIn: true },
    description: 'The signed-in user. Not signed in: null with an UNAUTHENTICATED error, like every field that needs a viewer.',
    resolve: (_root, _args, ctx) => ctx.viewer!.user,
  }),
  apiKeys: t.field({
    type: [ApiKeyRef],
    authScopes: { loggedIn: true },
    resolve: (_root, _args, ctx) => ctx.services.accounts.listApiKeys(ctx.viewer!.user.id),
  }),
}));

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayloadRef,
    errors: {},
    args: { email: t.arg.string(), password: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const session = await ctx.services.accounts.signUp(args);
      ctx.responseCookies.push(sessionCookie(session.token, session.expiresAt, ctx.secureCookies));
      return { user: session.user };
    },
  }),
  logIn: t.field({
    type: AuthPayloadRef,
    errors: {},
    args: { email: t.arg.string(), password: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const session = await ctx.services.accounts.logIn(args, ctx.clientIp);
      ctx.responseCookies.push(sessionCookie(session.token, session.expiresAt, ctx.secureCookies));
      return { user: session.user };
    },
  }),
  logOut: t.boolean({
    description: 'Revokes the current session and clears its cookie.',
    resolve: async (_root, _args, ctx) => {
      if (ctx.sessionToken) await ctx.services.accounts.logOut(ctx.sessionToken);
      ctx.responseCookies.push(clearedSessionCookie(ctx.secureCookies));
      return true;
    },
  }),
  createApiKey: t.field({
    type: NewApiKeyRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { name: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.accounts.createApiKey(ctx.viewer!.user.id, args.name),
  }),
  revokeApiKey: t.field({
    type: DeletedRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { id: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      await ctx.services.accounts.revokeApiKey(ctx.viewer!.user.id, String(args.id));
      return { id: String(args.id) };
    },
  }),
}));
