/**
 * Reads of a user's image library for listings and GraphQL: keyset pages on (created_at, id),
 * counts, and batched loads (images by id, variants of many images, counts of many collections), so
 * a page costs the same few queries whatever its size. Writes belong to ImageLifecycle.
 */
import { In, Not, type DataSource, type Repository } from 'typeorm';
import type { Actor } from '../../auth/actor.ts';
import { assertCan, readableScope } from '../teams/policy.ts';
import { type ImageVariant } from './image-variant.entity.ts';
import { Image, type ImageStatus } from './image.entity.ts';
import { encodeCursor, type PageCursor } from './page-cursor.ts';

export type PublicImageStatus = Exclude<ImageStatus, 'deleted'>;

export interface ImageFilter {
  collectionId?: string | null;
  status?: PublicImageStatus | null;
}

export interface PageRequest {
  /** Rows to read (a connection asks one more than it shows, to know whether more follow). */
  limit: number;
  /** Only images older than this one. */
  after?: PageCursor;
  /** Only images newer than this one. */
  before?: PageCursor;
  /** Oldest first: the end of the range nearest `before` (a backward page), the caller reverses it. */
  oldestFirst: boolean;
}

/** An image of a page, with the cursor of its place in it. */
export type PagedImage = Image & { cursor: string };

export type StatusCounts = Record<PublicImageStatus, number>;

// to_char keeps the microseconds a Date would drop: the cursor must compare equal to the row
const CURSOR_AT = `to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export class ImageLibrary {
  private readonly images: Repository<Image>;
  /** `i.<column> AS "<property>", …` for every column of Image, for raw reads that look like entities. */
  private readonly imageColumns: string;
  /** The column transformers (bigint → number) raw reads must apply themselves. */
  private readonly transformers: [string, (value: unknown) => unknown][];

  constructor(private readonly db: DataSource) {
    this.images = db.getRepository(Image);
    const columns = this.images.metadata.columns;
    this.imageColumns = columns.map((c) => `i.${c.databaseName} AS "${c.propertyName}"`).join(', ');
    this.transformers = columns.flatMap((c) => {
      const t = c.transformer;
      return t && !Array.isArray(t) ? [[c.propertyName, (v: unknown) => (v === null ? null : t.from(v))] as [string, (value: unknown) => unknown]] : [];
    });
  }

  /**
   * One page of the user's images in (created_at, id) order, newest first unless `oldestFirst`.
   * Row comparisons against the cursors let PostgreSQL walk the (…, created_at, id) indexes from
   * the cursor on instead of sorting the whole library.
   */
  async page(actor: Actor, filter: ImageFilter, page: PageRequest): Promise<PagedImage[]> {
    const { where, params, param } = this.filtered(actor, filter);
    if (page.after) where.push(`(i.created_at, i.id) < (CAST(${param(page.after.createdAt)} AS timestamptz), ${param(page.after.id)})`);
    if (page.before) where.push(`(i.created_at, i.id) > (CAST(${param(page.before.createdAt)} AS timestamptz), ${param(page.before.id)})`);
    const order = page.oldestFirst ? 'ASC' : 'DESC';
    // Raw rows under the entity's property names, not hydrated entities, from SQL written here, not
    // by the query builder: the same values for a fraction of the cost on the path every list and
    // connection page takes (bench:list).
    const rows: (Record<string, unknown> & { cursor_at: string })[] = await this.db.query(
      `SELECT ${this.imageColumns}, ${CURSOR_AT} AS cursor_at FROM images i WHERE ${where.join(' AND ')}
        ORDER BY i.created_at ${order}, i.id ${order} LIMIT ${param(page.limit)}`,
      params,
    );
    return rows.map(({ cursor_at, ...row }) => {
      for (const [property, from] of this.transformers) row[property] = from(row[property]);
      const image = row as unknown as Image;
      return Object.assign(image, { cursor: encodeCursor({ createdAt: cursor_at, id: image.id }) });
    });
  }

  /** How many of the user's images match `filter` (what every page of a connection reports). */
  async count(actor: Actor, filter: ImageFilter): Promise<number> {
    const { where, params } = this.filtered(actor, filter);
    const [row] = (await this.db.query(`SELECT count(*)::int AS n FROM images i WHERE ${where.join(' AND ')}`, params)) as { n: number }[];
    return row!.n;
  }

  /** Images per status in each of the user's collections, in the order of `collectionIds`, in one query. */
  async countsByCollection(actor: Actor, collectionIds: readonly string[]): Promise<StatusCounts[]> {
    const rows: { collection_id: string; status: PublicImageStatus; n: number }[] = await this.db.query(
      `SELECT collection_id, status, count(*)::int AS n FROM images
        WHERE team_id = $1 AND collection_id = ANY($2) AND status <> 'deleted' GROUP BY collection_id, status`,
      [actor.teamId, [...new Set(collectionIds)]],
    );
    const counts = new Map<string, StatusCounts>();
    for (const { collection_id, status, n } of rows) {
      const c = counts.get(collection_id) ?? { processing: 0, ready: 0, failed: 0 };
      c[status] = n;
      counts.set(collection_id, c);
    }
    return collectionIds.map((id) => counts.get(id) ?? { processing: 0, ready: 0, failed: 0 });
  }

  /** Those of `ids` that are the user's (not deleted) images, in any order; others are left out. */
  async findMany(actor: Actor, ids: readonly string[]): Promise<Image[]> {
    const { teamId, collectionIds, imageIds } = readableScope(actor);
    const wanted = imageIds ? ids.filter((id) => imageIds.includes(id)) : ids;
    const found = wanted.length ? await this.images.findBy({ teamId, id: In([...new Set(wanted)]), status: Not('deleted') }) : [];
    return collectionIds ? found.filter((i) => collectionIds.includes(i.collectionId)) : found;
  }

  /**
   * The variants of each image in `imageIds` (in that order), smallest size first, in one query.
   * Plain rows, not entities: a page of 100 images has 1,200 of them, and TypeORM's hydration of
   * that many cost several times the query itself (bench:list).
   */
  async variantsOf(imageIds: readonly string[]): Promise<ImageVariant[][]> {
    const rows: ImageVariant[] = await this.db.query(
      `SELECT image_id AS "imageId", size, format, width, height, bytes, quality FROM image_variants
        WHERE image_id = ANY($1) ORDER BY size ASC, format DESC`,
      [[...new Set(imageIds)]],
    );
    const byImage = Map.groupBy(rows, (v) => v.imageId);
    return imageIds.map((id) => byImage.get(id) ?? []);
  }

  /**
   * The image as it is now, whatever its status (`deleted` included: its last event still needs
   * it), with its variants; null once its row is gone.
   */
  current(actor: Actor, imageId: string): Promise<Image | null> {
    return this.images.findOne({ where: { id: imageId, teamId: actor.teamId }, relations: { variants: true }, order: { variants: { size: 'ASC' } } });
  }

  /**
   * The conditions (on alias `i`) of the user's images matching `filter`, their parameters, and
   * `param`, which adds one more and names its placeholder.
   */
  private filtered(actor: Actor, filter: ImageFilter): { where: string[]; params: unknown[]; param: (value: unknown) => string } {
    assertCan(actor, 'images:read', { collectionId: filter.collectionId ?? undefined });
    const { teamId, collectionIds } = readableScope(actor);
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [`i.team_id = ${param(teamId)}`, "i.status <> 'deleted'"];
    if (collectionIds) where.push(`i.collection_id = ANY(${param(collectionIds)})`);
    if (filter.collectionId) where.push(`i.collection_id = ${param(filter.collectionId)}`);
    if (filter.status) where.push(`i.status = ${param(filter.status)}`);
    return { where, params, param };
  }
}
