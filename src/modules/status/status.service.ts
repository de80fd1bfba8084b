/**
 * Watching images: subscribe to the bus first, then read the row, so no event falls in the gap.
 * Yields the current state at once, then each later step in order, and ends after `ready` or
 * `failed`. After a bus reconnect the row is re-read, so a lost notification never leaves a
 * watcher waiting forever.
 */
import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../errors.ts';
import { Image } from '../images/image.entity.ts';
import type { StatusBus, StatusEvent } from './status-bus.ts';

export function eventFromRow(image: Image): StatusEvent {
  return {
    imageId: image.id,
    userId: image.userId,
    collectionId: image.collectionId,
    status: image.status,
    step: image.step,
    progress: image.status === 'processing' ? image.progress : image.status === 'ready' ? 100 : image.progress,
    error: image.error,
    at: image.updatedAt.toISOString(),
  };
}

/** A small unbounded async queue fed by callbacks and drained by `for await`. */
class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private done = false;
  constructor(private readonly onClose: () => void) {}

  push(item: T): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.onClose();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
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
  async *watchImage(userId: string, imageId: string): AsyncGenerator<StatusEvent> {
    const images = this.db.getRepository(Image);
    const queue = new EventQueue<StatusEvent>(() => {
      unsubscribe();
      unresync();
    });
    const unsubscribe = this.bus.subscribe((e) => e.imageId === imageId && queue.push(e));
    const unresync = this.bus.onResync(() => {
      void images.findOneBy({ id: imageId }).then((row) => row && queue.push(eventFromRow(row)));
    });
    try {
      const row = await images.findOneBy({ id: imageId, userId });
      if (!row) throw new NotFoundError('Image not found', 'IMAGE_NOT_FOUND');
      let last = eventFromRow(row);
      yield last;
      while (last.status === 'processing') {
        const { value, done } = await queue.next();
        if (done) return;
        // drop what the initial read already covered, and anything out of order
        if (value.status === 'processing' && value.progress <= last.progress && last.status === 'processing') continue;
        last = value;
        yield value;
      }
    } finally {
      await queue.return();
    }
  }

  /** Every status change of images in one of the user's collections; never ends by itself. */
  async *watchCollection(userId: string, collectionId: string, assertOwned: (userId: string, id: string) => Promise<unknown>): AsyncGenerator<StatusEvent> {
    const queue = new EventQueue<StatusEvent>(() => unsubscribe());
    const unsubscribe = this.bus.subscribe((e) => e.collectionId === collectionId && e.userId === userId && queue.push(e));
    try {
      await assertOwned(userId, collectionId);
      for (;;) {
        const { value, done } = await queue.next();
        if (done) return;
        yield value;
      }
    } finally {
      await queue.return();
    }
  }
}
