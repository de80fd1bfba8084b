/**
 * REST `GET /api/v1/images` (contract §3, §9): the whole list, newest first, streamed as one JSON
 * array read page by page from the keyset index (memory flat however many images); or one page with
 * `?limit=N&after=<cursor>` and a `Link: <…>; rel="next"` header while more follow.
 */
import type { ServerResponse } from 'node:http';
import { ValidationError } from '../../errors.ts';
import type { RestResponse } from '../../adapter/rest-route.ts';
import type { ImageLibrary, PagedImage } from './image-library.ts';
import { decodeCursor, type PageCursor } from './page-cursor.ts';
import type { Actor } from '../../auth/actor.ts';
import { assertCan } from '../teams/policy.ts';

/** Images read per query while streaming the full list. */
const STREAM_PAGE = 500;
export const MAX_PAGE = 1000;

type ToJson = (image: PagedImage) => unknown;

async function pageWithVariants(library: ImageLibrary, actor: Actor, limit: number, after?: PageCursor): Promise<PagedImage[]> {
  const images = await library.page(actor, {}, { limit, after, oldestFirst: false });
  const variants = await library.variantsOf(images.map((i) => i.id));
  images.forEach((image, i) => (image.variants = variants[i]!));
  return images;
}

export async function listImages(library: ImageLibrary, actor: Actor, query: URLSearchParams, selfUrl: string, toJson: ToJson): Promise<RestResponse> {
  assertCan(actor, 'images:read'); // before a streamed answer's headers
  const limitText = query.get('limit');
  const afterText = query.get('after');
  if (limitText === null && afterText === null) {
    // the first page is read before answering, so a failure there (the database away: 503 with
    // Retry-After) reaches the HTTP edge like any other route's instead of a 500 from inside the stream
    const first = await pageWithVariants(library, actor, STREAM_PAGE);
    return { status: 200, stream: (res) => void streamAll(res, library, actor, toJson, first) };
  }
  const limit = Number(limitText ?? MAX_PAGE);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new ValidationError(`limit must be a whole number from 1 to ${MAX_PAGE}`, 'INVALID_INPUT', 'limit');
  const after = afterText === null ? undefined : decodeCursor(afterText, 'after');
  const rows = await pageWithVariants(library, actor, limit + 1, after);
  const page = rows.slice(0, limit);
  const headers: Record<string, string> = {};
  if (rows.length > limit) {
    const next = new URL(selfUrl);
    next.search = new URLSearchParams({ limit: String(limit), after: page.at(-1)!.cursor }).toString();
    headers.Link = `<${next}>; rel="next"`;
  }
  return { status: 200, body: page.map(toJson), headers };
}

/** The whole list, from its first page (already read) on; a failure after it can only cut the connection. */
async function streamAll(res: ServerResponse, library: ImageLibrary, actor: Actor, toJson: ToJson, firstPage: PagedImage[]): Promise<void> {
  const write = async (text: string) => {
    if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve));
  };
  try {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    let page = firstPage;
    let first = true;
    for (;;) {
      await write((first ? '[' : '') + page.map((image, i) => (first && i === 0 ? '' : ',') + JSON.stringify(toJson(image))).join(''));
      first = false;
      if (page.length < STREAM_PAGE || res.destroyed) break;
      page = await pageWithVariants(library, actor, STREAM_PAGE, decodeCursor(page.at(-1)!.cursor, 'after'));
    }
    res.end(']');
  } catch (err) {
    // the status line has gone: only a cut connection tells the client the array is incomplete
    res.destroy(err as Error);
  }
}
