/**
 * Delivery of private images (contract §11): signing their URLs (DeliveryLinks, handed to every
 * adapter that writes an image's URLs), minting URLs with a chosen lifetime, and judging a request
 * to the private route. Signing is pure (signing.ts); this adds keys, clock and the database.
 */
import type { Actor } from '../../auth/actor.ts';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../clock.ts';
import { ConflictError, ValidationError } from '../../errors.ts';
import type { Visibility } from '../collections/collection.entity.ts';
import type { OutputFormat } from '../images/formats.ts';
import { VARIANT_SIZES } from '../images/sizes.ts';
import { parsePrivateNamedPath, parsePrivatePath, privateNamedPath, privatePath, storedNamedKey, storedVariantKey, type DeliveryLinks } from '../images/variant-urls.ts';
import type { DeliveryAccess } from './access.ts';
import { roundedExpiry, signedPath, verifySignature, type Verdict } from './signing.ts';

export interface DeliverySettings {
  publicBaseUrl: string;
  cdnBaseUrl: string;
  /** The first signs, all verify. */
  keys: string[];
  ttlSeconds: number;
}

/** A private file a request may have: where it is stored, and until when the URL holds. */
export interface PrivateTarget {
  key: string;
  collectionId: string;
  slug: string;
  format: OutputFormat;
  exp: number;
}

export type PrivateRequestVerdict = { ok: true; target: PrivateTarget; secondsLeft: number } | { ok: false; verdict: Exclude<Verdict, 'valid'> };

const MIN_EXPIRES_IN = 60;
const MAX_EXPIRES_IN = 7 * 24 * 3600;

export class DeliveryService implements DeliveryLinks {
  readonly cdnBaseUrl: string;

  constructor(
    private readonly db: DataSource,
    private readonly access: DeliveryAccess,
    private readonly settings: DeliverySettings,
    private readonly clock: Clock,
  ) {
    this.cdnBaseUrl = settings.cdnBaseUrl;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  /** Signed with the default lifetime, the expiry rounded up to the window: identical within it. */
  signPrivate(path: string): string {
    return this.signUntil(path, roundedExpiry(this.nowSeconds(), this.settings.ttlSeconds));
  }

  private signUntil(path: string, exp: number): string {
    return `${this.settings.publicBaseUrl}${signedPath(this.settings.keys[0]!, path, exp)}`;
  }

  /**
   * `POST /images/:id/signed-urls` and `signImageUrls`: every stored WebP size of a private image and
   * each of its named variants' WebP file, valid `expiresIn` seconds (default the TTL).
   */
  async signedUrls(actor: Actor, imageId: string, expiresIn?: unknown): Promise<{ urls: Record<string, string>; named: Record<string, string>; expiresAt: Date }> {
    let seconds = this.settings.ttlSeconds;
    if (expiresIn !== undefined && expiresIn !== null) {
      if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < MIN_EXPIRES_IN || expiresIn > MAX_EXPIRES_IN) {
        throw new ValidationError(`expiresIn must be a whole number of seconds from ${MIN_EXPIRES_IN} to ${MAX_EXPIRES_IN}`, 'INVALID_EXPIRES_IN', 'expiresIn');
      }
      seconds = expiresIn;
    }
    const image = await this.access.image(actor, 'image.signUrls', imageId);
    if (image.visibility !== 'private') throw new ConflictError('This image is in a public collection: its URLs need no signature', 'IMAGE_NOT_PRIVATE');
    if (image.status !== 'ready') throw new ConflictError(`This image is ${image.status}: it has no files to link yet`, 'IMAGE_NOT_READY');
    const exp = this.nowSeconds() + seconds;
    const stored = new Set((image.variants ?? []).filter((v) => v.format === 'webp').map((v) => v.size));
    const urls: Record<string, string> = {};
    for (const size of VARIANT_SIZES) if (stored.has(size)) urls[String(size)] = this.signUntil(privatePath(image.collectionId, size, image.slug), exp);
    const named: Record<string, string> = {};
    for (const f of image.namedVariants ?? []) if (f.format === 'webp') named[f.name] = this.signUntil(privateNamedPath(image.collectionId, f.name, image.slug), exp);
    return { urls, named, expiresAt: new Date(exp * 1000) };
  }

  /** Judges a request to the private route by its raw path and query alone (no database): signature first, then expiry. */
  verify(rawPath: string, query: URLSearchParams): PrivateRequestVerdict {
    const exp = query.get('exp');
    const verdict = verifySignature(this.settings.keys, rawPath, exp, query.get('sig'), this.nowSeconds());
    if (verdict !== 'valid') return { ok: false, verdict };
    // a numbered size or a named variant's file; a path no URL of ours has cannot carry a good signature (a second guard on the key)
    const sized = parsePrivatePath(rawPath);
    const named = sized ? null : parsePrivateNamedPath(rawPath);
    const target = sized ?? named;
    if (!target) return { ok: false, verdict: 'bad-signature' };
    const key = sized ? storedVariantKey(sized.collectionId, sized.size, sized.slug, sized.format, 'private') : storedNamedKey(named!.collectionId, named!.name, named!.slug, named!.format, 'private');
    return { ok: true, target: { key, collectionId: target.collectionId, slug: target.slug, format: target.format, exp: Number(exp) }, secondsLeft: Number(exp) - this.nowSeconds() };
  }

  /** Whether the file at `key` may be served: its image is ready and its collection has this visibility now. */
  async servable(collectionId: string, slug: string, visibility: Visibility): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM images WHERE collection_id = $1 AND slug = $2 AND status = 'ready' AND visibility = $3 LIMIT 1`, [collectionId, slug, visibility]);
    return rows.length > 0;
  }
}
