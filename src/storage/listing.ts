/** Listing helpers shared by the object store drivers: key orders and merged listings. */
import type { ListedObject } from './object-store.ts';

/** Keys compared segment by segment: the order the local driver's list() walks its tree in. */
export function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** The items of a listing whose key passes `keep`. */
export async function* filterKeys(source: AsyncIterable<ListedObject>, keep: (key: string) => boolean): AsyncGenerator<ListedObject> {
  for await (const item of source) if (keep(item.key)) yield item;
}

/** Two listings, each in key order, as one in key order. */
export async function* mergeByKey(a: AsyncIterable<ListedObject>, b: AsyncIterable<ListedObject>): AsyncGenerator<ListedObject> {
  const left = a[Symbol.asyncIterator]();
  const right = b[Symbol.asyncIterator]();
  let [l, r] = await Promise.all([left.next(), right.next()]);
  while (!l.done || !r.done) {
    if (r.done || (!l.done && Buffer.compare(Buffer.from(l.value.key), Buffer.from(r.value.key)) <= 0)) {
      yield l.value as ListedObject;
      l = await left.next();
    } else {
      yield r.value;
      r = await right.next();
    }
  }
}
