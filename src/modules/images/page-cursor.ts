/**
 * Page cursors: an image's place in the newest-first order, as `<created_at>|<id>`. created_at is
 * written at PostgreSQL's microsecond precision (a JavaScript Date would round it to milliseconds,
 * and images created in the same millisecond could then be skipped or repeated between pages).
 * Clients treat cursors as opaque.
 */
import { ValidationError } from '../../errors.ts';

export interface PageCursor {
  /** ISO 8601 in UTC with up to 6 fractional digits, as PostgreSQL's to_char writes it. */
  createdAt: string;
  id: string;
}

const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z)\|(img_[a-z0-9]{1,40})$/;

export const encodeCursor = (c: PageCursor): string => `${c.createdAt}|${c.id}`;

/** The cursor in `value`, or a ValidationError naming the argument it came in. */
export function decodeCursor(value: string, arg: 'after' | 'before'): PageCursor {
  const m = CURSOR.exec(value);
  if (!m || Number.isNaN(Date.parse(m[1]!))) throw new ValidationError(`${arg} is not a cursor of this connection`, 'INVALID_INPUT', arg);
  return { createdAt: m[1]!, id: m[2]! };
}
