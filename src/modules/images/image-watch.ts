/**
 * Watching images: subscribe to the bus first, then read the row, so no event falls in the gap.
 * A watch yields the current state at once, then each later step in order, and ends after `ready`
 * or `failed`. After a bus reconnect the row is re-read, so a lost notification never leaves a
 * watcher waiting forever. The watches are plain async iterators (not generators), so a client
 * that unsubscribes releases its bus listener at once instead of at the next event.
 */
import { Not, type DataSource } from 'typeorm';
import type { CollectionsService } from '../collections/collections.service.ts';
import { NotFoundError } from '../../errors.ts';
import { EventQueue } from '../../events/event-queue.ts';
import { statusEvent, type ImageEventBus, type StatusEvent } from './image-events.ts';
import { Image } from './image.entity.ts';

export class ImageWatch {
  constructor(
    private readonly db: DataSource,
    private readonly bus: ImageEventBus,
    private readonly collections: CollectionsService,
  ) {}

  /** Events of one of the user's images until it is ready or failed; 404 for anyone else's image. */
  async watchImage(userId: string, imageId: string): Promise<AsyncIterableIterator<StatusEvent>> {
    const images = this.db.getRepository(Image);
    let last: StatusEvent | null = null;
    const pending: StatusEvent[] = [];
    const queue = new EventQueue<StatusEvent>(() => {
      unsubscribe();
      unresync();
    });
    const offer = (e: StatusEvent) => {
      if (!last) return void pending.push(e); // before the first read: held, then filtered
      // drop what the current state already covers, and anything out of order
      if (last.status !== 'processing') return;
      if (e.status === 'processing' && e.progress <= last.progress) return;
      last = e;
      queue.push(e);
      if (e.status !== 'processing') queue.end();
    };
    const unsubscribe = this.bus.subscribe((e) => e.imageId === imageId && offer(e));
    const unresync = this.bus.onResync(() => {
      void images.findOneBy({ id: imageId }).then((row) => row && offer(statusEvent(row)));
    });
    const row = await images.findOneBy({ id: imageId, userId, status: Not('deleted') }).catch((err: unknown) => {
      void queue.return();
      throw err;
    });
    if (!row) {
      void queue.return();
      throw new NotFoundError('Image not found', 'IMAGE_NOT_FOUND');
    }
    last = statusEvent(row);
    queue.push(last);
    if (last.status !== 'processing') queue.end();
    for (const e of pending.splice(0)) offer(e);
    return queue;
  }

  /** Every status change of images in one of the user's collections; never ends by itself. */
  async watchCollection(userId: string, collectionId: string): Promise<AsyncIterableIterator<StatusEvent>> {
    await this.collections.get(userId, collectionId);
    const queue = new EventQueue<StatusEvent>(() => unsubscribe());
    const unsubscribe = this.bus.subscribe((e) => e.collectionId === collectionId && e.userId === userId && queue.push(e));
    return queue;
  }
}
