/** "This data changed": lets an upload refresh the quota meter and the gallery without a shared store. */
import { useEffect, useRef } from 'preact/hooks';

export type Topic = 'plan' | 'collections' | 'images';
const bus = new EventTarget();

export function invalidate(...topics: Topic[]): void {
  for (const topic of topics) bus.dispatchEvent(new Event(topic));
}

export function useInvalidation(topic: Topic, refresh: () => void): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const listener = () => latest.current();
    bus.addEventListener(topic, listener);
    return () => bus.removeEventListener(topic, listener);
  }, [topic]);
}
