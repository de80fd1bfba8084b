/** Collections belong to one user; anyone else gets "not found" (never another user's data). */
import { In, type DataSource, type Repository } from 'typeorm';
import { newId } from '../../db/ids.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { Collection } from './collection.entity.ts';

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
    const collection = await this.get(userId, id);
    collection.name = CollectionsService.parseName(name);
    await this.repo.update({ id, userId }, { name: collection.name });
    return collection;
  }

  /** Deletes the collection row; images in it are removed by the images service first. */
  async delete(userId: string, id: string): Promise<void> {
    const result = await this.repo.delete({ id, userId });
    if (!result.affected) throw new NotFoundError('Collection not found', 'COLLECTION_NOT_FOUND');
  }
}
