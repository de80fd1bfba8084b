/**
 * The one authorization policy: may this actor do this to that? Services call `assertCan` before
 * they act; REST, GraphQL, subscriptions and tus reach it only through them. Pure: no I/O.
 */
import { ROLE_ACTIONS, type Action, type Actor } from '../../auth/actor.ts';
import { ForbiddenError } from '../../errors.ts';

/** What an action touches; unset fields are not checked. */
export interface Target {
  teamId?: string;
  collectionId?: string;
  imageId?: string;
  /** An upload's size (checked against an upload token's byte limit). */
  bytes?: number;
  /** An upload's slug (an upload token may fix it). */
  slug?: string | null;
}

export function can(actor: Actor, action: Action, target: Target = {}): boolean {
  if (target.teamId !== undefined && target.teamId !== actor.teamId) return false;
  const granted = actor.scopes.includes(action) || (action === 'images:upload' && actor.scopes.includes('images:write'));
  if (!granted) return false;
  if (actor.collectionIds && target.collectionId !== undefined && !actor.collectionIds.includes(target.collectionId)) return false;
  if (actor.imageIds && action === 'images:read' && (target.imageId === undefined || !actor.imageIds.includes(target.imageId))) return false;
  if (actor.upload && action === 'images:upload') {
    if (actor.upload.maxBytes !== null && target.bytes !== undefined && target.bytes > actor.upload.maxBytes) return false;
    if (actor.upload.slug !== null && target.slug !== undefined && target.slug !== null && target.slug !== actor.upload.slug) return false;
  }
  return true;
}

const DENIED: Partial<Record<Action, string>> = {
  'images:read': 'You may not read these images',
  'images:write': 'Your role does not allow uploading, changing or deleting images here',
  'images:upload': 'You may not upload here',
  'collections:write': 'Only admins and owners manage collections',
  'webhooks:write': 'Only admins and owners manage webhooks',
  'members:write': 'Only admins and owners manage members',
  'owners:write': 'Only owners manage owners',
  'plan:write': 'Only owners change the plan',
  'team:delete': 'Only owners delete the team',
  'keys:manage': "Only admins and owners manage other members' API keys",
};

/** Throws 403 FORBIDDEN unless `can`. */
export function assertCan(actor: Actor, action: Action, target: Target = {}): void {
  if (!can(actor, action, target)) throw new ForbiddenError(DENIED[action] ?? 'Forbidden', 'FORBIDDEN');
}

/** Narrows a listing to what the actor may read: its team, and a narrowed credential's collections/images. */
export function readableScope(actor: Actor): { teamId: string; collectionIds: readonly string[] | null; imageIds: readonly string[] | null } {
  return { teamId: actor.teamId, collectionIds: actor.collectionIds ?? null, imageIds: actor.imageIds ?? null };
}

/**
 * The actor acting in another of its user's teams (a `teamId` in a request body, `?team=`): 403 when
 * the user is not a member there, or the credential (a key, a token) belongs to one team only.
 */
export function inTeam(actor: Actor, teamId: string | undefined | null): Actor {
  if (!teamId || teamId === actor.teamId) return actor;
  const role = actor.via === 'session' ? actor.teams?.[teamId] : undefined;
  if (!role) throw new ForbiddenError('Team not found or not yours', 'FORBIDDEN');
  return { ...actor, teamId, role, scopes: ROLE_ACTIONS[role] };
}
