/** Collections belong to a team; anyone else gets "not found" (never another team's data). */
import { In, type DataSource, type Repository } from 'typeorm';
import type { Actor } from '../../auth/actor.ts';
import { newId } from '../../db/ids.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { parseColorProfile, parseMetadataPolicy, parseNamedVariants } from '../images/art-direction.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../images/formats.ts';
import { assertCan, inTeam, readableScope } from '../teams/policy.ts';
import { parseQualitySetting } from '../quality/quality-setting.ts';
import { Collection } from './collection.entity.ts';

/** The settings a collection's owner may change (`PATCH /api/v1/collections/:id`, `updateCollection`). */
export interface CollectionChanges {
  name?: unknown;
  formats?: unknown;
  /** 1–100 or "auto" (contract §15). */
  quality?: unknown;
  /** Art direction (contract §13): named boxes, the EXIF kept, the colour profile. */
  variants?: unknown;
  metadata?: unknown;
  colorProfile?: unknown;
}

export class CollectionsService {
  private readonly repo: Repository<Collection>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(Collection);
  }

  private static parseName(name: unknown): string {
    if (typeof name !== 'string' || !name.trim()) throw new ValidationError('name is required', 'INVALID_NAME', 'name');
    const trimmed = name.trim();
    if (trimmed.length > 100) throw new ValidationError('name must be at most 100 characters', 'INVALID_NAME', 'name');
    return trimmed;
  }

  /** WebP is every image's contract URL, so it cannot be turned off; AVIF can be added. Returned in canonical order. */
  private static parseFormats(formats: unknown): OutputFormat[] {
    const valid = Array.isArray(formats) && formats.every((f) => (OUTPUT_FORMATS as readonly unknown[]).includes(f)) && formats.includes('webp');
    if (!valid) throw new ValidationError('formats must be a list of "webp" and "avif" that includes "webp", e.g. ["webp","avif"]', 'INVALID_FORMATS', 'formats');
    return OUTPUT_FORMATS.filter((f) => formats.includes(f));
  }

  /** In the actor's team, or `teamId` (another team of the signed-in user). */
  async create(actor: Actor, name: unknown, teamId?: string | null): Promise<Collection> {
    const acting = inTeam(actor, teamId);
    assertCan(acting, 'collections:write');
    const collection = this.repo.create({ id: newId('col'), userId: acting.userId, teamId: acting.teamId, name: CollectionsService.parseName(name) });
    await this.repo.insert(collection);
    return this.repo.findOneByOrFail({ id: collection.id });
  }

  list(actor: Actor): Promise<Collection[]> {
    const { teamId, collectionIds } = readableScope(actor);
    return this.repo.find({ where: collectionIds ? { teamId, id: In([...collectionIds]) } : { teamId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** Those of `ids` that are the caller's collections (any order); others are left out. */
  async findMany(actor: Actor, ids: readonly string[]): Promise<Collection[]> {
    const { teamId, collectionIds } = readableScope(actor);
    const wanted = collectionIds ? ids.filter((id) => collectionIds.includes(id)) : ids;
    return wanted.length ? this.repo.findBy({ teamId, id: In([...wanted]) }) : [];
  }

  /** The caller's collection, or 404 (also when it exists but belongs to someone else). */
  async get(actor: Actor, id: string): Promise<Collection> {
    const collection = await this.repo.findOneBy({ id, teamId: actor.teamId });
    if (!collection) throw new NotFoundError('Collection not found', 'COLLECTION_NOT_FOUND');
    assertCan(actor, 'images:read', { collectionId: id });
    return collection;
  }

  /** For uploads the documented API answers 403 when the collection is not the caller's or does not exist. */
  async assertOwned(actor: Actor, id: string): Promise<Collection> {
    const collection = typeof id === 'string' ? await this.repo.findOneBy({ id, teamId: actor.teamId }) : null;
    if (!collection) throw new ForbiddenError('Collection does not belong to you', 'COLLECTION_FORBIDDEN');
    assertCan(actor, 'images:upload', { collectionId: id });
    return collection;
  }

  async rename(actor: Actor, id: string, name: unknown): Promise<Collection> {
    return this.update(actor, id, { name });
  }

  /** Changes the settings sent; new settings apply to new uploads and to a reprocess. */
  async update(actor: Actor, id: string, changes: CollectionChanges): Promise<Collection> {
    const collection = await this.get(actor, id);
    assertCan(actor, 'collections:write', { collectionId: id });
    const { name, formats, quality, variants, metadata, colorProfile } = changes;
    if ([name, formats, quality, variants, metadata, colorProfile].every((v) => v === undefined)) {
      throw new ValidationError('Send "name", "formats", "quality", "variants", "metadata", "colorProfile" and/or "visibility"', 'INVALID_INPUT');
    }
    if (name !== undefined) collection.name = CollectionsService.parseName(name);
    if (formats !== undefined) collection.formats = CollectionsService.parseFormats(formats);
    if (quality !== undefined) collection.quality = parseQualitySetting(quality);
    if (variants !== undefined) collection.variants = parseNamedVariants(variants);
    if (metadata !== undefined) collection.metadata = parseMetadataPolicy(metadata);
    if (colorProfile !== undefined) collection.colorProfile = parseColorProfile(colorProfile);
    await this.repo.update(
      { id, teamId: actor.teamId },
      { name: collection.name, formats: collection.formats, quality: collection.quality, variants: collection.variants, metadata: collection.metadata, colorProfile: collection.colorProfile },
    );
    return collection;
  }

  /** Deletes the collection row; images in it are removed by the images service first. */
  async delete(actor: Actor, id: string): Promise<void> {
    assertCan(actor, 'collections:write', { collectionId: id });
    const result = await this.repo.delete({ id, teamId: actor.teamId });
    if (!result.affected) throw new NotFoundError('Collection not found', 'COLLECTION_NOT_FOUND');
  }
}
