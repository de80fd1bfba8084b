/** Upload tokens: minted by a server for one collection, handed to a browser, good for a few uploads. */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../auth/actor.ts';
import type { Clock } from '../../clock.ts';
import { newId } from '../../db/ids.ts';
import { ForbiddenError, ValidationError } from '../../errors.ts';
import { hashSecret } from '../accounts/tokens.ts';
import { UPLOAD_TOKEN_PREFIX } from './actors.ts';
import { assertCan } from './policy.ts';
import { UploadToken } from './upload-token.entity.ts';

export const DEFAULT_TOKEN_SECONDS = 900;
export const MAX_TOKEN_SECONDS = 86_400;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface UploadTokenInput {
  collection?: unknown;
  expiresIn?: unknown;
  maxUploads?: unknown;
  maxBytes?: unknown;
  slug?: unknown;
}

const positiveInt = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;

export class UploadTokensService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** `collectionTeam`: the team of the collection, looked up by the caller (404/403 as for any collection). */
  async create(actor: Actor, collectionTeam: string, input: UploadTokenInput): Promise<{ token: string; row: UploadToken }> {
    if (actor.via === 'uploadToken') throw new ForbiddenError('An upload token cannot mint tokens', 'FORBIDDEN');
    const collectionId = String(input.collection);
    assertCan(actor, 'images:write', { teamId: collectionTeam, collectionId });
    const expiresIn = input.expiresIn ?? DEFAULT_TOKEN_SECONDS;
    if (!positiveInt(expiresIn, MAX_TOKEN_SECONDS)) throw new ValidationError(`expiresIn must be whole seconds from 1 to ${MAX_TOKEN_SECONDS}`, 'INVALID_INPUT', 'expiresIn');
    const maxUploads = input.maxUploads ?? 1;
    if (!positiveInt(maxUploads, 10_000)) throw new ValidationError('maxUploads must be a whole number from 1 to 10000', 'INVALID_INPUT', 'maxUploads');
    const maxBytes = input.maxBytes ?? null;
    if (maxBytes !== null && !positiveInt(maxBytes, Number.MAX_SAFE_INTEGER)) throw new ValidationError('maxBytes must be a positive whole number', 'INVALID_INPUT', 'maxBytes');
    const slug = input.slug ?? null;
    if (slug !== null && (typeof slug !== 'string' || !SLUG.test(slug) || slug.length > 100)) throw new ValidationError('slug must be lowercase letters and digits joined by single hyphens', 'INVALID_SLUG', 'slug');
    if (slug !== null && maxUploads !== 1) throw new ValidationError('A token with a fixed slug uploads one image (maxUploads 1)', 'INVALID_INPUT', 'maxUploads');
    const token = UPLOAD_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row = this.db.getRepository(UploadToken).create({
      id: newId('upt'),
      teamId: collectionTeam,
      collectionId,
      issuedBy: actor.userId,
      tokenHash: hashSecret(token),
      expiresAt: new Date(this.clock.now().getTime() + (expiresIn as number) * 1000),
      maxUploads: maxUploads as number,
      uploads: 0,
      maxBytes: maxBytes as number | null,
      slug: slug as string | null,
      imageIds: [],
    });
    await this.db.getRepository(UploadToken).insert(row);
    return { token, row };
  }
}
