/**
 * Watching images: subscribe to the bus first, then read the row, so no event falls in the gap.
 * A watch yields the current state at once, then each later step in order, and ends after `ready`
 * or `failed`. After a bus reconnect the row is re-read, so a lost notification never leaves a
 * watcher waiting forever. The watches are plain async iterators (not generators), so a client
 * that unsubscribes releases its bus listener at once instead of at the next event.
 */
import { Not, type DataSource } from 'typeorm';
import { NotFoundError } from '../../errors.ts';
import { Image, progressOf } from '../images/image.entity.ts';
import type { StatusBus, StatusEvent } from './status-bus.ts';

export function eventFromRow(image: Image): StatusEvent {
  return {
    imageId: image.id,
    userId: image.userId,
    collectionId: image.collectionId,
    status: image.status,
    step: image.step,
    progress: progressOf(image),
    error: image.error,
    at: image.updatedAt.toISOString(),
  };
}

/** An async queue fed by callbacks and drained by `for await`; `end()` finishes after what is queued. */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private ending = false;
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  push(item: T): void {
    if (this.ending || this.closed) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  /** No more items: the iterator finishes once the queued ones are consumed. */
  end(): void {
    this.ending = true;
    if (this.items.length === 0) void this.return();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length) {
      const value = this.items.shift()!;
      if (this.ending && this.items.length === 0) this.release();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed || this.ending) {
      this.release();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.release();
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    return Promise.resolve({ value: undefined, done: true });
  }

  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

export class StatusService {
  constructor(
    private readonly db: DataSource,
    private readonly bus: StatusBus,
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
      void images.findOneBy({ id: imageId }).then((row) => row && offer(eventFromRow(row)));
    });
    const row = await images.findOneBy({ id: imageId, userId, status: Not('deleted') }).catch((err: unknown) => {
      void queue.return();
      throw err;
    });
    if (!row) {
      void queue.return();
      throw new NotFoundError('Image not found', 'IMAGE_NOT_FOUND');
    }
    last = eventFromRow(row);
    queue.push(last);
    if (last.status !== 'processing') queue.end();
    for (const e of pending.splice(0)) offer(e);
    return queue;
  }

  /** Every status change of images in one of the user's collections; never ends by itself. */
  async watchCollection(userId: string, collectionId: string, assertOwned: (userId: string, id: string) => Promise<unknown>): Promise<AsyncIterableIterator<StatusEvent>> {
    await assertOwned(userId, collectionId);
    const queue = new EventQueue<StatusEvent>(() => unsubscribe());
    const unsubscribe = this.bus.subscribe((e) => e.collectionId === collectionId && e.userId === userId && queue.push(e));
    return queue;
  }
}
