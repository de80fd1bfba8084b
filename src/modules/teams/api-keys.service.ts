/**
 * API keys belong to a team and may be narrowed by scopes, collections and expiry. A key never does
 * more than its creator's current role (actors.ts narrows it on every request).
 */
import { In, IsNull, type DataSource, type Repository } from 'typeorm';
import { KEY_SCOPES, ROLE_ACTIONS, type Actor, type KeyScope } from '../../auth/actor.ts';
import type { Clock } from '../../clock.ts';
import { newId } from '../../db/ids.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { ApiKey } from '../accounts/api-key.entity.ts';
import { hashSecret, newApiKey } from '../accounts/tokens.ts';
import { assertCan, can, inTeam } from './policy.ts';

export interface ApiKeyInput {
  name?: unknown;
  teamId?: unknown;
  scopes?: unknown;
  collections?: unknown;
  expiresAt?: unknown;
}

export class ApiKeysService {
  private readonly keys: Repository<ApiKey>;

  constructor(
    db: DataSource,
    private readonly clock: Clock,
  ) {
    this.keys = db.getRepository(ApiKey);
  }

  /** `ownCollections`: which of the asked collections are the team's (looked up by the caller). */
  async create(actor: Actor, input: ApiKeyInput, ownCollections: (acting: Actor, ids: string[]) => Promise<string[]>): Promise<{ apiKey: ApiKey; key: string }> {
    const { name } = input;
    if (typeof name !== 'string' || !name.trim() || name.trim().length > 100) {
      throw new ValidationError('name is required (1 to 100 characters)', 'INVALID_NAME', 'name');
    }
    const acting = inTeam(actor, typeof input.teamId === 'string' ? input.teamId : null);
    assertCan(acting, 'keys:write');
    const allowed = KEY_SCOPES.filter((s) => acting.scopes.includes(s));
    let scopes: KeyScope[] = allowed;
    if (input.scopes !== undefined) {
      if (!Array.isArray(input.scopes) || !input.scopes.length || !input.scopes.every((s) => (KEY_SCOPES as readonly unknown[]).includes(s))) {
        throw new ValidationError('scopes must be a non-empty list of images:read, images:write, collections:write, webhooks:write, keys:write', 'INVALID_SCOPES', 'scopes');
      }
      scopes = [...new Set(input.scopes as KeyScope[])];
      const beyond = scopes.filter((s) => !allowed.includes(s));
      if (beyond.length) throw new ForbiddenError(`Your role does not allow ${beyond.join(', ')}`, 'FORBIDDEN');
    }
    let collectionIds: string[] | null = null;
    if (input.collections !== undefined && input.collections !== null) {
      if (!Array.isArray(input.collections) || !input.collections.length || !input.collections.every((c) => typeof c === 'string')) {
        throw new ValidationError('collections must be a non-empty list of collection ids', 'INVALID_INPUT', 'collections');
      }
      collectionIds = [...new Set(input.collections as string[])];
      const found = await ownCollections(acting, collectionIds);
      if (found.length !== collectionIds.length) throw new ForbiddenError('Collection does not belong to you', 'COLLECTION_FORBIDDEN');
    } else if (acting.collectionIds) collectionIds = [...acting.collectionIds]; // a narrowed key makes narrowed keys
    let expiresAt: Date | null = null;
    if (input.expiresAt !== undefined && input.expiresAt !== null) {
      expiresAt = typeof input.expiresAt === 'string' ? new Date(input.expiresAt) : new Date(NaN);
      if (Number.isNaN(expiresAt.getTime()) || expiresAt <= this.clock.now()) throw new ValidationError('expiresAt must be a future ISO 8601 time', 'INVALID_INPUT', 'expiresAt');
    }
    const key = newApiKey();
    const apiKey = this.keys.create({
      id: newId('key'),
      userId: acting.userId,
      teamId: acting.teamId,
      name: name.trim(),
      scopes,
      collectionIds,
      expiresAt,
      prefix: key.slice(0, 15),
      keyHash: hashSecret(key),
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.keys.insert(apiKey);
    return { apiKey: await this.keys.findOneByOrFail({ id: apiKey.id }), key };
  }

  /** The team's unrevoked keys: all of them for admins, else the caller's own. */
  list(actor: Actor): Promise<ApiKey[]> {
    const where = can(actor, 'keys:manage') ? { teamId: actor.teamId, revokedAt: IsNull() } : { teamId: actor.teamId, userId: actor.userId, revokedAt: IsNull() };
    return this.keys.find({ where, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** Those of `ids` the caller may see (any order). */
  async findMany(actor: Actor, ids: readonly string[]): Promise<ApiKey[]> {
    if (!ids.length) return [];
    const found = await this.keys.findBy({ teamId: actor.teamId, id: In([...ids]), revokedAt: IsNull() });
    return found.filter((k) => k.userId === actor.userId || can(actor, 'keys:manage'));
  }

  async revoke(actor: Actor, id: string): Promise<void> {
    const [key] = await this.findMany(actor, [id]);
    if (!key) throw new NotFoundError('API key not found', 'API_KEY_NOT_FOUND');
    if (key.userId !== actor.userId) assertCan(actor, 'keys:manage');
    await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }

  /** What a key can do right now: its scopes as narrowed by its creator's current role. */
  static effectiveScopes(key: ApiKey, creatorRole: keyof typeof ROLE_ACTIONS | null): KeyScope[] {
    return creatorRole ? key.scopes.filter((s) => ROLE_ACTIONS[creatorRole].includes(s)) : [];
  }
}
