/**
 * The browser session cookie, per the contract: HttpOnly, SameSite=Lax, Path=/, Secure on https.
 *
 * On https it is named `__Host-optimage_session`: browsers accept a `__Host-` cookie only when it is
 * Secure, has Path=/ and no Domain, so neither a sibling subdomain nor a plain-http response can
 * plant or overwrite it (OWASP session management). Each deployment reads only its own name, so a
 * cookie planted under the unprefixed name is never taken for a session on https.
 */
export const SESSION_COOKIE = 'optimage_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${sessionCookieName(secure)}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${sessionCookieName(secure)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The session token from a Cookie header, under the name this deployment uses (see above). */
export function readSessionToken(header: string | undefined | null, secure: boolean): string | null {
  return readCookie(header, sessionCookieName(secure));
}

export function readCookie(header: string | undefined | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
