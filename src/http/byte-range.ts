/** One HTTP byte range (RFC 9110 §14), resolved against the object's size. */
import type { ByteRange } from '../storage/object-store.ts';

/**
 * `bytes=a-b`, `bytes=a-` or `bytes=-n` → the range; null when there is no usable single range
 * (absent, several, another unit: the whole object is sent); 'unsatisfiable' when it lies past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return start >= size ? 'unsatisfiable' : null;
  return { start, end };
}
