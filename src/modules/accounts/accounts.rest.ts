/** REST: /api/v1/auth/* (contract §2; API keys are the teams module's). Thin: parse, call the service, map. */
import type { Route } from '../../adapter/rest-route.ts';
import type { Account, AccountsService } from './accounts.service.ts';
import { clearedSessionCookie, sessionCookie } from './session-cookie.ts';

export const userJson = (u: Account) => ({ id: u.id, email: u.email, plan: u.plan });

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
    { method: 'GET', path: '/api/v1/auth/me', handler: async (req) => ({ status: 200, body: userJson(await accounts.me(req.actor!)) }) },
  ];
}
