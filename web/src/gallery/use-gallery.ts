/**
 * A collection's images, newest first, page by page over the `images` connection; kept live by the
 * `imageEvents` subscription (badges move, thumbnails appear when an image becomes ready) and
 * refreshed at the head when an upload is accepted.
 */
import { useClient } from '@urql/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { CollectionActivityDocument, GalleryPageDocument, ImageDetailDocument, type ImageCardFragment } from '../generated/graphql.ts';
import { isFinal } from '../image-status.ts';
import { useInvalidation } from '../refresh.ts';

export const PAGE_SIZE = 24;

export interface Gallery {
  images: ImageCardFragment[];
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  loadMore(): void;
  remove(id: string): void;
}

/** Merges fresh images into a list, keeping newest-first order and one entry per id. */
function merge(list: ImageCardFragment[], fresh: ImageCardFragment[]): ImageCardFragment[] {
  const byId = new Map(list.map((i) => [i.id, i]));
  for (const image of fresh) byId.set(image.id, image);
  return [...byId.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
}

export function useGallery(collectionId: string): Gallery {
  const client = useClient();
  const [images, setImages] = useState<ImageCardFragment[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);
  const removed = useRef(new Set<string>());

  const fetchPage = useCallback(
    async (after: string | null) => {
      const result = await client.query(GalleryPageDocument, { collectionId, first: PAGE_SIZE, after }, { requestPolicy: 'network-only' }).toPromise();
      if (!result.data) throw new Error(errorMessage(result.error) ?? 'Could not load the images');
      return result.data.images;
    },
    [client, collectionId],
  );

  const load = useCallback(
    async (after: string | null) => {
      if (inFlight.current) return;
      inFlight.current = true;
      setLoading(true);
      try {
        const page = await fetchPage(after);
        const fresh = page.edges.map((e) => e.node).filter((i) => !removed.current.has(i.id));
        setImages((list) => (after ? merge(list, fresh) : fresh));
        setCursor(page.pageInfo.endCursor ?? null);
        setHasMore(page.pageInfo.hasNextPage);
        setError(null);
      } catch (err) {
        setError((err as Error).message);
      } finally {
        inFlight.current = false;
        setLoading(false);
      }
    },
    [fetchPage],
  );

  useEffect(() => void load(null), [load]);

  // New uploads land at the head: fetch the first page and merge it in, keeping what is loaded.
  useInvalidation('images', () => {
    void fetchPage(null).then(
      (page) => setImages((list) => merge(list, page.edges.map((e) => e.node).filter((i) => !removed.current.has(i.id)))),
      () => undefined, // the next event or scroll retries; the list stays as it was
    );
  });

  useEffect(() => {
    const subscription = client.subscription(CollectionActivityDocument, { collectionId }).subscribe((result) => {
      const event = result.data?.imageEvents;
      if (!event || removed.current.has(event.id)) return;
      setImages((list) => list.map((i) => (i.id === event.id ? { ...i, status: event.status, step: event.step, progress: event.progress, error: event.error } : i)));
      if (isFinal(event.status)) {
        void client
          .query(ImageDetailDocument, { id: event.id }, { requestPolicy: 'network-only' })
          .toPromise()
          .then((r) => {
            const image = r.data?.image;
            if (image && !removed.current.has(image.id)) setImages((list) => merge(list, [image]));
          });
      }
    });
    return () => subscription.unsubscribe();
  }, [client, collectionId]);

  return {
    images,
    loading,
    error,
    hasMore,
    loadMore: () => void (hasMore && cursor && load(cursor)),
    remove: (id) => {
      removed.current.add(id);
      setImages((list) => list.filter((i) => i.id !== id));
    },
  };
}
