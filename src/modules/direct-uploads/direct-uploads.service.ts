/**
 * Direct uploads (contract §12): the client puts the file straight into storage — a presigned PUT
 * on S3/R2/MinIO signed for the exact length and SHA-256, or a signed URL of this server on local
 * storage — and `complete` turns it into an image through the same intake as POST /images, after
 * reading the bytes back once and checking them here, whatever the bucket checked; the checked
 * object then becomes the original by a move inside the store (no second upload). Nothing is stored
 * at create; a refused upload leaves no image, no quota used and no object.
 */
import type { DataSource, Repository } from 'typeorm';
import type { Clock } from '../../clock.ts';
import { newId } from '../../db/ids.ts';
import { AppError, ConflictError, NotFoundError, PayloadTooLargeError, ValidationError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { ObjectChangedError, type ObjectStore, type PresignedRequest } from '../../storage/object-store.ts';
import { spoolUpload } from '../../storage/spool.ts';
import type { Actor } from '../../auth/actor.ts';
import type { DeliveryAccess } from '../delivery/access.ts';
import { signedPath, verifySignature } from '../delivery/signing.ts';
import { cleanFilename } from '../images/filename.ts';
import type { ImagesService, UploadResult } from '../images/images.service.ts';
import { isValidSlug } from '../images/slug.ts';
import type { QuotaService } from '../quota/quota.service.ts';
import { DirectUpload } from './direct-upload.entity.ts';

/** How long a direct upload can wait for its bytes and its `complete`. */
export const DIRECT_UPLOAD_TTL_SECONDS = 3600;

export interface DirectUploadSettings {
  publicBaseUrl: string;
  maxUploadBytes: number;
  /** Where the object is read back to while it is hashed. */
  scratchDir: string;
  /** URL signing keys (local storage signs its own PUT URL with them). */
  keys: string[];
}

export interface DirectUploadTicket extends PresignedRequest {
  id: string;
  expiresAt: Date;
}

/** Where the bytes wait for `complete`: on S3 in the private bucket (else the main one), never at a public key. */
export function directUploadKey(id: string): string {
  return `_direct/${id}`;
}

/** The path of this server's own PUT URL for local storage; signed like private delivery URLs. */
export function localPutPath(id: string): string {
  return `/api/v1/direct-uploads/${id}/data`;
}

export class DirectUploadsService {
  private readonly uploads: Repository<DirectUpload>;

  constructor(
    private readonly db: DataSource,
    private readonly store: ObjectStore,
    private readonly images: ImagesService,
    private readonly quota: QuotaService,
    private readonly access: DeliveryAccess,
    private readonly settings: DirectUploadSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.uploads = db.getRepository(DirectUpload);
  }

  /** Checks what can be checked before any byte moves (collection, slug, size, quota) and hands out where to PUT them. */
  async create(user: Actor, input: Record<string, unknown>): Promise<DirectUploadTicket> {
    const { collection, filename, size, checksum, slug } = input;
    if (typeof checksum !== 'string' || !/^[0-9a-f]{64}$/i.test(checksum.trim())) throw new ValidationError('checksum must be the SHA-256 of the file as 64 hex characters', 'INVALID_CHECKSUM', 'checksum');
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new ValidationError('size must be the file size in bytes, a whole number above 0', 'INVALID_UPLOAD_SIZE', 'size');
    if (size > this.settings.maxUploadBytes) throw new PayloadTooLargeError(`The file is larger than the upload limit of ${this.settings.maxUploadBytes} bytes`, 'FILE_TOO_LARGE');
    if (slug !== undefined && slug !== null && slug !== '' && (typeof slug !== 'string' || !isValidSlug(slug))) {
      throw new ValidationError('slug must be lowercase letters and digits joined by single hyphens, at most 100 characters', 'INVALID_SLUG', 'slug');
    }
    if (typeof collection !== 'string' || !collection) throw new ValidationError('Missing required field "collection"', 'MISSING_FIELD', 'collection');
    await this.access.collection(user, 'upload.create', collection);
    await this.quota.assertAvailable(user);
    const id = newId('dup');
    const expiresAt = new Date(this.clock.now().getTime() + DIRECT_UPLOAD_TTL_SECONDS * 1000);
    const sha256 = checksum.trim().toLowerCase();
    await this.uploads.insert({
      id,
      userId: user.userId,
      collectionId: collection,
      filename: cleanFilename(typeof filename === 'string' ? filename : null) ?? 'upload',
      size,
      checksum: sha256,
      slug: typeof slug === 'string' && slug ? slug : null,
      status: 'pending',
      imageId: null,
      expiresAt,
    });
    const sha256Base64 = Buffer.from(sha256, 'hex').toString('base64');
    const request = this.store.presigner
      ? await this.store.presigner.presignPut(directUploadKey(id), { size, sha256Base64, expiresIn: DIRECT_UPLOAD_TTL_SECONDS })
      : {
          method: 'PUT' as const,
          url: `${this.settings.publicBaseUrl}${signedPath(this.settings.keys[0]!, localPutPath(id), Math.floor(expiresAt.getTime() / 1000))}`,
          headers: { 'Content-Length': String(size), 'x-amz-checksum-sha256': sha256Base64 },
        };
    return { id, expiresAt, ...request };
  }

  /** Local storage's PUT: the signature is the authorization; at most the announced size is stored. */
  async receive(id: string, query: URLSearchParams, body: NodeJS.ReadableStream & AsyncIterable<Buffer>): Promise<void> {
    const verdict = verifySignature(this.settings.keys, localPutPath(id), query.get('exp'), query.get('sig'), Math.floor(this.clock.now().getTime() / 1000));
    if (verdict !== 'valid') throw new AppError(verdict === 'expired' ? 'This upload URL has expired' : 'The upload URL is not signed for this upload', verdict === 'expired' ? 'SIGNED_URL_EXPIRED' : 'INVALID_SIGNATURE', 403);
    const upload = await this.uploads.findOneBy({ id, status: 'pending' });
    if (!upload) throw new NotFoundError('No such direct upload', 'DIRECT_UPLOAD_NOT_FOUND');
    const spooled = await spoolUpload(body as never, null, upload.size, this.settings.scratchDir);
    try {
      await this.store.putFile(directUploadKey(id), spooled.path, { contentType: 'application/octet-stream' });
    } finally {
      await spooled.discard();
    }
  }

  /**
   * Reads the object back, checks it and makes the image; a repeated call answers the same image.
   * The upload is claimed by its row (status `completing`), not by a lock held on a connection: a
   * download of 20 MB must not keep a pool connection while other requests wait for one.
   */
  async complete(user: Actor, id: string): Promise<UploadResult> {
    const upload = await this.uploads.findOneBy({ id, userId: user.userId });
    if (!upload) throw new NotFoundError('No such direct upload', 'DIRECT_UPLOAD_NOT_FOUND');
    if (upload.status === 'completed') return this.completed(user, upload.imageId!);
    if (upload.status === 'rejected') throw new ValidationError('This upload was refused already; start a new one', 'UPLOAD_REJECTED');
    const [claimed] = (await this.db.query(
      `UPDATE direct_uploads SET status = 'completing', claimed_at = now()
        WHERE id = $1 AND (status = 'pending' OR (status = 'completing' AND claimed_at < now() - interval '10 minutes')) RETURNING id`,
      [id],
    )) as [{ id: string }[], number];
    if (!claimed.length) {
      const now = await this.uploads.findOneByOrFail({ id });
      if (now.status === 'completed') return this.completed(user, now.imageId!);
      throw new ConflictError('Another request is completing this upload; ask again in a moment', 'DIRECT_UPLOAD_BUSY');
    }
    let settled = false;
    try {
      const result = await this.completeClaimed(user, upload);
      settled = true;
      return result;
    } catch (err) {
      settled = err instanceof AppError && err.code !== 'UPLOAD_MISSING' && err.status < 500;
      throw err;
    } finally {
      // nothing decided (no bytes yet, or an outage): the upload can be completed again
      if (!settled) await this.uploads.update({ id, status: 'completing' }, { status: 'pending' });
    }
  }

  private async completed(user: Actor, imageId: string): Promise<UploadResult> {
    return { image: await this.images.get(user, imageId), quota: await this.quota.status(user), created: false };
  }

  private async completeClaimed(user: Actor, upload: DirectUpload): Promise<UploadResult> {
    const { id } = upload;
    const key = directUploadKey(id);
    const refuse = async (err: AppError) => {
      await this.store.delete([key]);
      await this.uploads.update({ id }, { status: 'rejected' });
      return err;
    };
    if (upload.expiresAt <= this.clock.now()) throw await refuse(new ValidationError('This direct upload expired before it was completed; start a new one', 'DIRECT_UPLOAD_EXPIRED'));
    const object = await this.store.get(key);
    if (!object) throw new ValidationError('Nothing was uploaded yet: PUT the file to the URL first', 'UPLOAD_MISSING');
    if (object.size !== upload.size) {
      object.body.destroy();
      throw await refuse(new ValidationError(`The stored file has ${object.size} bytes, not the ${upload.size} announced`, 'UPLOAD_SIZE_MISMATCH'));
    }
    let result: UploadResult;
    try {
      // The one read of the bytes: counted, hashed and their head kept as they stream to scratch
      // (sharp reads the header from there: GIF, WebP, TIFF and HEIF need random access to it).
      const file = await spoolUpload(object.body, upload.filename, upload.size, this.settings.scratchDir);
      // the intake of POST /images: checksum, format, pixels, slug, quota, twin; it discards the spool.
      // The original is the uploaded object itself, moved inside the store (S3: a server-side copy),
      // and only the version read here: bytes put there since are refused, not copied unchecked.
      const placeOriginal = (dest: string, contentType: string) =>
        this.store.move(key, dest, { contentType, ifMatch: object.etag }).catch(async (err: unknown) => {
          if (err instanceof ObjectChangedError) throw new ValidationError('The uploaded file was replaced while it was checked; start a new upload', 'CHECKSUM_MISMATCH');
          // half a move (copied, source not deleted): no original may stay without its image
          await this.store.delete([dest]).catch((e: unknown) => this.logger.error({ err: e, key: dest }, 'could not remove the original of a failed move'));
          throw err;
        });
      result = await this.images.upload(user, { file, checksum: upload.checksum, collectionId: upload.collectionId, slug: upload.slug, placeOriginal });
    } catch (err) {
      if (err instanceof AppError && err.status < 500) throw await refuse(err);
      throw err;
    }
    await this.uploads.update({ id }, { status: 'completed', imageId: result.image.id });
    await this.store.delete([key]).catch((err: unknown) => this.logger.warn({ err, key }, 'could not remove a completed direct upload'));
    return result;
  }

  /** Ids of uploads never completed that expired before now, oldest first (the doctor sweeps them). */
  async expired(limit: number): Promise<string[]> {
    const rows = (await this.db.query(`SELECT id FROM direct_uploads WHERE status <> 'completed' AND expires_at < $1 ORDER BY expires_at LIMIT $2`, [this.clock.now(), limit])) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Removes the uploads' bytes (if any arrived) and their rows. */
  async remove(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.store.delete(ids.map(directUploadKey));
    await this.db.query(`DELETE FROM direct_uploads WHERE id = ANY($1) AND status <> 'completed'`, [ids]);
  }
}
