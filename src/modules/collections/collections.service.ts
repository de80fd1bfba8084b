/** Collections belong to one user; anyone else gets "not found" (never another user's data). */
import { In, type DataSource, type Repository } from 'typeorm';
import { newId } from '../../db/ids.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { parseColorProfile, parseMetadataPolicy, parseNamedVariants } from '../images/art-direction.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../images/formats.ts';
import { Collection } from './collection.entity.ts';

/** The settings a collection's owner may change (`PATCH /api/v1/collections/:id`, `updateCollection`). */
export interface CollectionChanges {
  name?: unknown;
  formats?: unknown;
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

  async create(userId: string, name: unknown): Promise<Collection> {
    const collection = this.repo.create({ id: newId('col'), userId, name: CollectionsService.parseName(name) });
    await this.repo.insert(collection);
    return this.repo.findOneByOrFail({ id: collection.id });
  }

  list(userId: string): Promise<Collection[]> {
    return this.repo.find({ where: { userId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** Those of `ids` that are the caller's collections (any order); others are left out. */
  findMany(userId: string, ids: readonly string[]): Promise<Collection[]> {
    return ids.length ? this.repo.findBy({ userId, id: In([...ids]) }) : Promise.resolve([]);
  }

  /** The caller's collection, or 404 (also when it exists but belongs to someone else). */
  async get(userId: string, id: string): Promise<Collection> {
    const collection = await this.repo.findOneBy({ id, userId });
    if (!collection) throw new NotFoundError('Collection not found', 'COLLECTION_NOT_FOUND');
    return collection;
  }

  /** For uploads the documented API answers 403 when the collection is not the caller's or does not exist. */
  async assertOwned(userId: string, id: string): Promise<Collection> {
    const collection = typeof id === 'string' ? await this.repo.findOneBy({ id, userId }) : null;
    if (!collection) throw new ForbiddenError('Collection does not belong to you', 'COLLECTION_FORBIDDEN');
    return collection;
  }

  async rename(userId: string, id: string, name: unknown): Promise<Collection> {
    return this.update(userId, id, { name });
  }

  /** Changes the name and/or the output formats; new formats apply to new uploads and to a reprocess. */
  async update(userId: string, id: string, changes: CollectionChanges): Promise<Collection> {
    const collection = await this.get(userId, id);
    const { name, formats, variants, metadata, colorProfile } = changes;
    if ([name, formats, variants, metadata, colorProfile].every((v) => v === undefined)) {
      throw new ValidationError('Send "name", "formats", "variants", "metadata" and/or "colorProfile"', 'INVALID_INPUT');
    }
    if (name !== undefined) collection.name = CollectionsService.parseName(name);
    if (formats !== undefined) collection.formats = CollectionsService.parseFormats(formats);
    if (variants !== undefined) collection.variants = parseNamedVariants(variants);
    if (metadata !== undefined) collection.metadata = parseMetadataPolicy(metadata);
    if (colorProfile !== undefined) collection.colorProfile = parseColorProfile(colorProfile);
    await this.repo.update({ id, userId }, { name: collection.name, formats: collection.formats, variants: collection.variants, metadata: collection.metadata, colorProfile: collection.colorProfile });
    return collection;
  }

  /** Deletes the collection row; images in it are removed by the images service first. */
  async delete(userId: string, id: string): Promise<void> {
    const result = await this.repo.delete({ id, userId });
    if (!result.affected) throw new NotFoundError('Collection not found', 'COLLECTION_NOT_FOUND');
  }
}
