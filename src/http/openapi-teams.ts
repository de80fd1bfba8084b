/** The OpenAPI description of teams, members, invitations and upload tokens (contract §10); merged into openapi.ts. */
import { KEY_SCOPES, ROLES } from '../auth/actor.ts';
import { body, error, idParam, json, ref, unauthorized } from './openapi-parts.ts';

const forbidden = error('Beyond your role, or not your team', 'FORBIDDEN');
const teamId = idParam('id', 'team_abc123');
const role = { enum: [...ROLES] };
const date = { type: 'string', format: 'date-time' };
const obj = (required: string[], properties: Record<string, object>) => ({ type: 'object', required, properties });

export function teamPaths() {
  return {
    '/api/v1/teams': {
      get: { summary: "The caller's teams, the personal one first", responses: { 200: json({ type: 'array', items: ref('Team') }, 'Teams'), 401: unauthorized } },
      post: { summary: 'Create a team; the caller is its owner', requestBody: body(obj(['name'], { name: { type: 'string', minLength: 1, maxLength: 100 } })), responses: { 201: json(ref('Team'), 'Created'), 400: error('Missing name', 'INVALID_NAME'), 401: unauthorized } },
    },
    '/api/v1/teams/{id}': {
      get: { summary: 'One of your teams', parameters: [teamId], responses: { 200: json(ref('Team'), 'The team'), 401: unauthorized, 403: forbidden } },
      patch: {
        summary: 'Rename (admins) or change the plan (owners)',
        parameters: [teamId],
        requestBody: body({ type: 'object', properties: { name: { type: 'string' }, plan: { enum: ['free', 'pro', 'business'] } } }),
        responses: { 200: json(ref('Team'), 'Updated'), 400: error('Bad name or plan', 'UNKNOWN_PLAN'), 401: unauthorized, 403: forbidden },
      },
      delete: { summary: 'Delete an empty team (owners; never a personal team)', parameters: [teamId], responses: { 204: { description: 'Deleted' }, 401: unauthorized, 403: forbidden, 409: error('Personal, or still holds collections', 'CONFLICT') } },
    },
    '/api/v1/teams/{id}/members': {
      get: { summary: 'Members and their roles', parameters: [teamId], responses: { 200: json({ type: 'array', items: ref('Member') }, 'Members'), 401: unauthorized, 403: forbidden } },
    },
    '/api/v1/teams/{id}/members/{userId}': {
      patch: {
        summary: "Change a member's role (admins below owner; owners for owners). A team keeps one owner.",
        parameters: [teamId, idParam('userId', 'usr_abc')],
        requestBody: body(obj(['role'], { role })),
        responses: { 200: json(ref('Member'), 'Updated'), 400: error('Unknown role', 'INVALID_ROLE'), 401: unauthorized, 403: forbidden, 404: error('Not a member', 'MEMBER_NOT_FOUND'), 409: error('The last owner', 'LAST_OWNER') },
      },
      delete: {
        summary: 'Remove a member (or leave); their sessions, keys and tokens lose the team at once',
        parameters: [teamId, idParam('userId', 'usr_abc')],
        responses: { 204: { description: 'Removed' }, 401: unauthorized, 403: forbidden, 404: error('Not a member', 'MEMBER_NOT_FOUND'), 409: error('The last owner', 'LAST_OWNER') },
      },
    },
    '/api/v1/teams/{id}/invitations': {
      get: { summary: 'Pending invitations (admins)', parameters: [teamId], responses: { 200: json({ type: 'array', items: ref('Invitation') }, 'Invitations'), 401: unauthorized, 403: forbidden } },
      post: {
        summary: 'Invite by email with a role; the url carries a one-time token shown only here (7 days)',
        parameters: [teamId],
        requestBody: body(obj(['email', 'role'], { email: { type: 'string', format: 'email' }, role })),
        responses: { 201: json(ref('Invitation'), 'Invited'), 400: error('Bad email or role', 'INVALID_ROLE'), 401: unauthorized, 403: forbidden },
      },
    },
    '/api/v1/invitations/accept': {
      post: { summary: 'Accept an invitation, signed in with its email', requestBody: body(obj(['token'], { token: { type: 'string' } })), responses: { 200: json(ref('Team'), 'Joined'), 400: error('Unknown, used, expired or for another email', 'INVITATION_INVALID'), 401: unauthorized } },
    },
    '/api/v1/upload-tokens': {
      post: {
        summary: "Mint a short-lived token for a browser to upload into one collection (Authorization: Bearer upt_…)",
        requestBody: body(obj(['collection'], { collection: { type: 'string' }, expiresIn: { type: 'integer', minimum: 1, maximum: 86400, default: 900 }, maxUploads: { type: 'integer', minimum: 1, default: 1 }, maxBytes: { type: 'integer', minimum: 1 }, slug: { type: 'string' } })),
        responses: { 201: json(ref('UploadToken'), 'Minted'), 400: error('Bad limits', 'INVALID_INPUT'), 401: unauthorized, 403: error('Not a collection you may upload into', 'COLLECTION_FORBIDDEN') },
      },
    },
  };
}

export function teamSchemas() {
  return {
    Team: obj(['id', 'name', 'plan', 'role', 'personal'], { id: { type: 'string', pattern: '^team_' }, name: { type: 'string' }, plan: { enum: ['free', 'pro', 'business'] }, role, personal: { type: 'boolean' } }),
    Member: obj(['userId', 'email', 'role', 'joinedAt'], { userId: { type: 'string', pattern: '^usr_' }, email: { type: 'string' }, role, joinedAt: date }),
    Invitation: obj(['id', 'teamId', 'email', 'role', 'expiresAt'], { id: { type: 'string', pattern: '^inv_' }, teamId: { type: 'string' }, email: { type: 'string' }, role, expiresAt: date, url: { type: 'string', format: 'uri', description: 'Only in the answer that creates it' } }),
    UploadToken: obj(['token', 'id', 'collection', 'expiresAt', 'maxUploads'], { token: { type: 'string', pattern: '^upt_' }, id: { type: 'string' }, collection: { type: 'string' }, expiresAt: date, maxUploads: { type: 'integer' }, maxBytes: { type: ['integer', 'null'] }, slug: { type: ['string', 'null'] } }),
    KeyScope: { enum: [...KEY_SCOPES] },
  };
}
