/** REST: /api/v1/auth/* and /api/v1/api-keys (contract §2). Thin: parse, call the service, map. */
import type { Route } from '../../http/rest.ts';
import type { AccountsService } from './accounts.service.ts';
import type { ApiKey } from './api-key.entity.ts';
import { clearedSessionCookie, sessionCookie } from './session-cookie.ts';
import type { User } from './user.entity.ts';

export const userJson = (u: User) => ({ id: u.id, email: u.email, plan: u.plan });
const apiKeyJson = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

export function accountsRoutes(accounts: AccountsService, secureCookies: boolean): Route[] {
  const credentials = (body: Record<string, unknown>) => ({ email: body.email as string, password: body.password as string });
  return [
    {
      method: 'POST',
      path: '/api/v1/auth/signup',
      auth: false,
      handler: async (req) => {
        const session = await accounts.signUp(credentials(await req.json()));
        return { status: 201, body: userJson(session.user), headers: { 'Set-Cookie': sessionCookie(session.token, session.expiresAt, secureCookies) } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/auth/login',
      auth: false,
      handler: async (req) => {
        const session = await accounts.logIn(credentials(await req.json()), req.clientIp);
        return { status: 200, body: userJson(session.user), headers: { 'Set-Cookie': sessionCookie(session.token, session.expiresAt, secureCookies) } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/auth/logout',
      auth: false,
      handler: async (req) => {
        if (req.sessionToken) await accounts.logOut(req.sessionToken);
        return { status: 204, headers: { 'Set-Cookie': clearedSessionCookie(secureCookies) } };
      },
    },
    { method: 'GET', path: '/api/v1/auth/me', handler: async (req) => ({ status: 200, body: userJson(req.viewer!.user) }) },
    {
      method: 'POST',
      path: '/api/v1/api-keys',
      handler: async (req) => {
        const { apiKey, key } = await accounts.createApiKey(req.viewer!.user.id, (await req.json()).name);
        return { status: 201, body: { ...apiKeyJson(apiKey), key } };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/api-keys',
      handler: async (req) => ({ status: 200, body: (await accounts.listApiKeys(req.viewer!.user.id)).map(apiKeyJson) }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/api-keys/:id',
      handler: async (req) => {
        await accounts.revokeApiKey(req.viewer!.user.id, req.params.id!);
        return { status: 204 };
      },
    },
  ];
}
