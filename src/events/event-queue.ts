/**
 * An async queue fed by callbacks and drained by `for await`. A plain async iterator (not a
 * generator), so a consumer that stops early releases its source at once, not at the next item.
 */
/** `end()` finishes the iteration after what is queued. */
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
