import { builder } from '../../graphql/builder.ts';
import type { Account } from './accounts.service.ts';
import { clearedSessionCookie, sessionCookie } from './session-cookie.ts';

export const UserRef = builder.objectRef<Account>('User').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    plan: t.exposeString('plan'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AuthPayloadRef = builder.objectRef<{ user: Account }>('AuthPayload').implement({
  fields: (t) => ({ user: t.field({ type: UserRef, resolve: (p) => p.user }) }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: UserRef,
    nullable: true,
    authScopes: { loggedIn: true },
    description: 'The signed-in user. Not signed in: null with an UNAUTHENTICATED error, like every field that needs a viewer.',
    resolve: (_root, _args, ctx) => ctx.services.accounts.me(ctx.actor!),
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
}));
