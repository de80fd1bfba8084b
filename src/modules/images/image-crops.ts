/**
 * An image's focal point and the files that depend on it (contract §13): setting it on the row, and,
 * once its cover crops are made again around it, recording their new rows. The image stays ready
 * throughout; the crops' URLs keep answering (each file is replaced in place).
 */
import type { DataSource, EntityManager } from 'typeorm';
import { Collection } from '../collections/collection.entity.ts';
import type { FocalPoint, NamedFile } from './art-direction.ts';
import { Image } from './image.entity.ts';
import type { Claim } from './rendition.ts';

/** Called inside the transaction of a rendition whose cover crops were cut around a point the row no longer has. */
export type FocalMovedListener = (tx: EntityManager, imageId: string) => Promise<void>;

/** Two focal points closer than this are the same (the row keeps them as `real`, about 7 digits). */
const SAME_POINT = 1e-5;

export class ImageCrops {
  private readonly movedListeners: FocalMovedListener[] = [];

  constructor(private readonly db: DataSource) {}

  /** Registers what makes the crops again when a focal point moved while they were being made (the job queue, wired in app.ts). */
  onMoved(listener: FocalMovedListener): void {
    this.movedListeners.push(listener);
  }

  /**
   * After a rendition is written (inside its transaction): its owner may have set a focal point while
   * the job ran, after the job read the old one (or none). Its cover crops were then cut around a
   * point the row no longer has, so they are made again (the listeners enqueue a recrop, which runs
   * once this transaction made the image ready).
   */
  async afterRendition(tx: EntityManager, imageId: string, named: readonly NamedFile[] | undefined, cutAround: { x: number; y: number; source: string } | null | undefined): Promise<void> {
    if (!cutAround || !named?.some((f) => f.cropped) || !this.movedListeners.length) return;
    const [row] = (await tx.query('SELECT focal_x, focal_y, focal_source FROM images WHERE id = $1', [imageId])) as { focal_x: number | null; focal_y: number | null; focal_source: string | null }[];
    if (row?.focal_source !== 'given' || row.focal_x === null || row.focal_y === null) return;
    const moved = cutAround.source !== 'given' || Math.abs(row.focal_x - cutAround.x) > SAME_POINT || Math.abs(row.focal_y - cutAround.y) > SAME_POINT;
    if (moved) for (const listener of this.movedListeners) await listener(tx, imageId);
  }

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
