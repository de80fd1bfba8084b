/**
 * An image's focal point and the files that depend on it (contract §13): setting it on the row, and,
 * once its cover crops are made again around it, recording their new rows. The image stays ready
 * throughout; the crops' URLs keep answering (each file is replaced in place).
 */
import type { DataSource, EntityManager } from 'typeorm';
import { Collection } from '../collections/collection.entity.ts';
import type { FocalPoint, NamedFile } from './art-direction.ts';
import { Image } from './image.entity.ts';
import type { Claim } from './image-lifecycle.ts';

export class ImageCrops {
  constructor(private readonly db: DataSource) {}

  /** The owner's focal point on the row (inside the caller's transaction). Whether cover crops exist to make again. */
  async setFocal(tx: EntityManager, image: Image, focal: FocalPoint): Promise<boolean> {
    await tx.update(Image, { id: image.id }, { focalX: focal.x, focalY: focal.y, focalSource: 'given' });
    Object.assign(image, { focalX: focal.x, focalY: focal.y, focalSource: 'given' });
    return image.status === 'ready' && image.namedVariants.some((f) => f.cropped);
  }

  /** A ready image whose focal point moved, with its collection's art direction now; null when there is nothing to do. */
  async claim(imageId: string): Promise<Claim | null> {
    const image = await this.db.getRepository(Image).findOneBy({ id: imageId });
    if (image?.status !== 'ready' || image.focalX === null || image.focalY === null) return null;
    const collection = await this.db.getRepository(Collection).findOneBy({ id: image.collectionId });
    return collection && { image, formats: collection.formats, quality: collection.quality, runId: null, art: collection };
  }

  /** The re-rendered cover crops replace their rows; the others stay as they are. */
  async replace(imageId: string, crops: readonly NamedFile[]): Promise<void> {
    const fresh = new Map(crops.map((f) => [`${f.name}.${f.format}`, f]));
    await this.db.transaction(async (tx) => {
      const row = await tx.findOne(Image, { where: { id: imageId }, lock: { mode: 'pessimistic_write' } });
      if (row) await tx.update(Image, { id: imageId }, { namedVariants: row.namedVariants.map((f) => fresh.get(`${f.name}.${f.format}`) ?? f) });
    });
  }
}
