/**
 * Watching images: subscribe to the bus first, then read the row, so no event falls in the gap.
 * A watch yields the current state at once, then each later step in order, and ends after `ready`
 * or `failed`. After a bus reconnect the row is re-read, so a lost notification never leaves a
 * watcher waiting forever. The watches are plain async iterators (not generators), so a client
 * that unsubscribes releases its bus listener at once instead of at the next event.
 */
import { Not, type DataSource } from 'typeorm';
import type { Actor } from '../../auth/actor.ts';
import { can } from '../teams/policy.ts';
import type { CollectionsService } from '../collections/collections.service.ts';
import { NotFoundError } from '../../errors.ts';
import { EventQueue } from '../../events/event-queue.ts';
import { statusEvent, type ImageEventBus, type StatusEvent } from './image-events.ts';
import type { ImageLibrary } from './image-library.ts';
import { Image } from './image.entity.ts';

/** A status event with the image as it is when the event is taken: what a client cache stores by id. */
export type ImageUpdate = StatusEvent & { image: Image };

export class ImageWatch {
  constructor(
    private readonly db: DataSource,
    private readonly bus: ImageEventBus,
    private readonly collections: CollectionsService,
    private readonly library: ImageLibrary,
  ) {}

  /** watchImage, each event with its image. */
  async followImage(actor: Actor, imageId: string): Promise<AsyncIterableIterator<ImageUpdate>> {
    return this.withImages(actor, await this.watchImage(actor, imageId));
  }

  /** watchCollection, each event with its image. */
  async followCollection(actor: Actor, collectionId: string): Promise<AsyncIterableIterator<ImageUpdate>> {
    return this.withImages(actor, await this.watchCollection(actor, collectionId));
  }

  /** Events of one of the user's images until it is ready or failed; 404 for anyone else's image. */
  async watchImage(actor: Actor, imageId: string): Promise<AsyncIterableIterator<StatusEvent>> {
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
    const row = await images.findOneBy({ id: imageId, teamId: actor.teamId, status: Not('deleted') }).catch((err: unknown) => {
      void queue.return();
      throw err;
    });
    if (!row || !can(actor, 'images:read', { collectionId: row.collectionId, imageId })) {
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
  async watchCollection(actor: Actor, collectionId: string): Promise<AsyncIterableIterator<StatusEvent>> {
    await this.collections.get(actor, collectionId);
    const queue = new EventQueue<StatusEvent>(() => unsubscribe());
    const unsubscribe = this.bus.subscribe((e) => e.collectionId === collectionId && queue.push(e));
    return queue;
  }

  /**
   * Reads each event's image as the event is taken: one query, with the variants once ready. An
   * image deleted while processing may lose its row (purged by its job) before its last event is
   * read; that event then carries the image as last read, in the state the event reports. An event
   * of an image that is gone and was never read here says nothing a cache could hold: it is skipped.
   */
  private withImages(actor: Actor, events: AsyncIterableIterator<StatusEvent>): AsyncIterableIterator<ImageUpdate> {
    // rows of images still processing, for that case only: bounded by the images in flight
    const lastRead = new Map<string, Image>();
    const next = async (): Promise<IteratorResult<ImageUpdate>> => {
      for (;;) {
        const item = await events.next();
        if (item.done) return item;
        const event = item.value;
        const row = await this.library.current(actor, event.imageId);
        const known = lastRead.get(event.imageId);
        if (row?.status === 'processing') lastRead.set(event.imageId, row);
        else lastRead.delete(event.imageId);
        const image = row ?? (known && { ...known, status: event.status, step: event.step, progress: event.progress, error: event.error, variants: [] });
        if (image) return { done: false, value: { ...event, image } };
      }
    };
    // a plain iterator, like the watches: returning releases the bus listener at once
    const iterator: AsyncIterableIterator<ImageUpdate> = {
      next,
      return: async () => {
        await events.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
