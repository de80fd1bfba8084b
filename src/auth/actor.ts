/**
 * Who a request acts as, resolved once at the edge (session cookie, API key or upload token) and
 * handed to every service. Ground floor: imports nothing, so every room may use it.
 */

export const ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** What an API key may be narrowed to (contract §10). */
export const KEY_SCOPES = ['images:read', 'images:write', 'collections:write', 'webhooks:write', 'keys:write'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/**
 * Everything the policy can allow: the key scopes plus what only members (never keys) do.
 * `images:upload` is the part of `images:write` an upload token has: adding images, nothing else.
 */
export type Action = KeyScope | 'images:upload' | 'keys:manage' | 'members:write' | 'owners:write' | 'plan:write' | 'team:delete';

/** Each role includes the one below it. */
export const ROLE_ACTIONS: Record<Role, readonly Action[]> = {
  viewer: ['images:read', 'keys:write'],
  editor: ['images:read', 'keys:write', 'images:write'],
  admin: ['images:read', 'keys:write', 'images:write', 'collections:write', 'webhooks:write', 'members:write', 'keys:manage'],
  owner: ['images:read', 'keys:write', 'images:write', 'collections:write', 'webhooks:write', 'members:write', 'keys:manage', 'owners:write', 'plan:write', 'team:delete'],
};

export const roleRank = (role: Role): number => ROLES.indexOf(role);

/** An upload token's limits, carried on its actor. */
export interface UploadAllowance {
  maxBytes: number | null;
  slug: string | null;
}

export interface Actor {
  /** The user the work is done as: the signed-in user, the key's creator or the token's issuer. */
  userId: string;
  teamId: string;
  role: Role;
  /** What this request may do in its team: the role's actions, narrowed by a key's scopes. */
  scopes: readonly Action[];
  /** Set when the credential is limited to some collections (a narrowed key, an upload token). */
  collectionIds?: readonly string[];
  /** A signed-in user's role in each of their teams (sessions only): lets a request name another team. */
  teams?: Readonly<Record<string, Role>>;
  via: 'session' | 'apiKey' | 'uploadToken';
  sessionId?: string;
  apiKeyId?: string;
  /** Upload tokens: their id, limits, and the images they uploaded (the only ones they may read). */
  tokenId?: string;
  upload?: UploadAllowance;
  imageIds?: readonly string[];
}
