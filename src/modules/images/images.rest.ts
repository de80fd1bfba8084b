/** REST: /api/v1/images (contract §3), the documented OPTIMAGE API. Thin: parse, call, map. */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { PayloadTooLargeError, ValidationError } from '../../errors.ts';
import type { Route } from '../../http/rest.ts';
import type { PublicSettings } from '../../services.ts';
import type { QuotaService } from '../quota/quota.service.ts';
import type { ImageVariant } from './image-variant.entity.ts';
import { progressOf, type Image } from './image.entity.ts';
import type { ImagesService } from './images.service.ts';
import { spoolUpload, type SpooledFile } from './spool.ts';
import { variantUrl } from './variant-urls.ts';

export function imageJson(image: Image, baseUrl: string) {
  return {
    id: image.id,
    slug: image.slug,
    collectionId: image.collectionId,
    checksum: image.checksum,
    status: image.status,
    createdAt: image.createdAt.toISOString(),
    baseUrl,
    width: image.width,
    height: image.height,
    format: image.sourceFormat,
    bytes: image.sourceBytes,
    step: image.step,
    progress: progressOf(image),
    error: image.error,
    variants: (image.variants ?? []).map((v: ImageVariant) => ({
      size: v.size,
      width: v.width,
      height: v.height,
      bytes: v.bytes,
      url: variantUrl(baseUrl, image.collectionId, v.size, image.slug),
    })),
  };
}

interface MultipartUpload {
  file: SpooledFile | null;
  fields: Record<string, string>;
}

/** Streams the multipart body: the file part to a hashed temp file (it may come before the fields). */
async function readMultipart(req: IncomingMessage, maxBytes: number, dir: string): Promise<MultipartUpload> {
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
    throw new ValidationError('Send the upload as multipart/form-data with file, checksum and collection', 'UNSUPPORTED_MEDIA_TYPE');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes + 64 * 1024) throw new PayloadTooLargeError(`File is larger than the ${maxBytes}-byte upload limit`, 'FILE_TOO_LARGE');
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes + 1, files: 1, fields: 10, fieldSize: 4096, parts: 12 } });
  } catch {
    throw new ValidationError('Malformed multipart body', 'INVALID_MULTIPART');
  }
  const fields: Record<string, string> = {};
  return new Promise<MultipartUpload>((resolve, reject) => {
    let spool: Promise<SpooledFile> | null = null;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      // ends the file stream too, so the spool settles and removes its temp file
      parser.destroy();
      req.resume(); // drain what the client still sends, so it can read our error
      void spool?.then((f) => f.discard(), () => undefined);
      reject(err);
    };
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || spool) {
        stream.resume();
        return;
      }
      spool = spoolUpload(stream, info.filename ?? null, maxBytes, dir);
      spool.catch(fail);
    });
    parser.on('close', () => {
      if (failed) return;
      if (!spool) return resolve({ file: null, fields });
      spool.then((file) => (failed ? void file.discard() : resolve({ file, fields })), fail);
    });
    parser.on('error', () => fail(new ValidationError('Malformed multipart body', 'INVALID_MULTIPART')));
    req.on('error', fail);
    req.on('close', () => !req.complete && fail(new ValidationError('The upload was interrupted', 'UPLOAD_ABORTED')));
    req.pipe(parser);
  });
}

export function imagesRoutes(images: ImagesService, quota: QuotaService, settings: PublicSettings): Route[] {
  const baseUrl = settings.cdnBaseUrl;
  return [
    {
      method: 'GET',
      path: '/api/v1/images',
      handler: async (req) => ({ status: 200, body: (await images.list(req.viewer!.user.id)).map((i) => imageJson(i, baseUrl)) }),
    },
    {
      method: 'POST',
      path: '/api/v1/images',
      handler: async (req) => {
        const { file, fields } = await readMultipart(req.raw, settings.maxUploadBytes, settings.uploadDir);
        try {
          const { image, quota: after } = await images.upload(req.viewer!.user, {
            file,
            checksum: fields.checksum,
            collectionId: fields.collection,
            slug: fields.slug,
          });
          return { status: 201, body: imageJson(image, baseUrl), headers: quota.headers(after) };
        } finally {
          await file?.discard();
        }
      },
    },
    {
      method: 'GET',
      path: '/api/v1/images/:id',
      handler: async (req) => ({ status: 200, body: imageJson(await images.get(req.viewer!.user.id, req.params.id!), baseUrl) }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/images/:id',
      handler: async (req) => {
        await images.delete(req.viewer!.user.id, req.params.id!);
        return { status: 204 };
      },
    },
  ];
}
