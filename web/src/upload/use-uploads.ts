import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../session.ts';
import type { UploadItem } from './queue.ts';

/** The session's upload items, re-rendering as they progress. */
export function useUploads(): readonly UploadItem[] {
  const { uploads } = useSession();
  const [items, setItems] = useState(uploads.snapshot());
  useEffect(() => {
    setItems(uploads.snapshot());
    return uploads.subscribe(() => setItems(uploads.snapshot()));
  }, [uploads]);
  return items;
}
