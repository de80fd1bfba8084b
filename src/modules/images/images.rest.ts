/** REST: /api/v1/images (contract §3), the documented OPTIMAGE API. Thin: parse, call, map. */
import { z } from 'zod';
import { ValidationError } from '../../errors.ts';
import type { MultipartBody, Route } from '../../adapter/rest-route.ts';
import type { PublicSettings } from '../../config.ts';
import type { QuotaService } from '../quota/quota.service.ts';
import type { ImageVariant } from './image-variant.entity.ts';
import { progressOf, type Image } from './image.entity.ts';
import { RefusedUpload } from '../../storage/spool.ts';
import type { ImageLibrary } from './image-library.ts';
import { listImages } from './image-list.rest.ts';
import type { ImagesService, UploadCommand } from './images.service.ts';
import { deliveryOf, fileLinker, namedLinker, type DeliveryLinks } from './variant-urls.ts';

/** An image as REST returns it: public URLs under the CDN base, or (private collection) signed ones. */
export function imageJson(image: Image, links: DeliveryLinks) {
  const variants = image.status === 'ready' ? (image.variants ?? []) : [];
  const delivery = deliveryOf(links, image, variants.map((v) => v.size));
  const named = namedLinker(links, image);
  return {
    id: image.id,
    slug: image.slug,
    collectionId: image.collectionId,
    checksum: image.checksum,
    status: image.status,
    createdAt: image.createdAt.toISOString(),
    baseUrl: links.cdnBaseUrl,
    visibility: image.visibility,
    width: image.width,
    height: image.height,
    format: image.sourceFormat,
    bytes: image.sourceBytes,
    step: image.step,
    progress: progressOf(image),
    error: image.error,
    variants: [
      ...(image.variants ?? []).map((v: ImageVariant) => ({
        size: v.size,
        format: v.format,
        width: v.width,
        height: v.height,
        bytes: v.bytes,
        url: delivery.fileUrl(v),
        // the encoder quality of this file (contract §15): WebP's, or AVIF's; absent for files made before it was recorded
        ...(v.quality !== null ? { quality: v.quality } : {}),
      })),
      // the collection's named variants (contract §13), once ready; signed like the sizes when private
      ...(image.status === 'ready' ? (image.namedVariants ?? []) : []).map((f) => ({
        name: f.name,
        format: f.format,
        width: f.width,
        height: f.height,
        bytes: f.bytes,
        url: named(f.name, f.format),
      })),
    ],
    // the full-size file, named from the start (it answers once ready): Uppy's XHRUpload reads `url`
    url: delivery.url(0) ?? fileLinker(links, image)(0, 'webp'),
    focalPoint: image.focalX !== null && image.focalY !== null ? { x: image.focalX, y: image.focalY, source: image.focalSource } : null,
    src: delivery.src,
    srcset: delivery.srcset,
    // shown once ready: a failed or processing image has nothing to paint
    ...(image.status === 'ready' && image.placeholder ? { placeholder: image.placeholder } : {}),
    // the WebP quality of its full-size file (contract §15: the number set, every file's, or what "auto" chose for it); each variant has its own
    ...(image.status === 'ready' && image.quality !== null ? { quality: image.quality } : {}),
  };
}

const missing = (name: string) => `Missing required field "${name}"`;
const required = (name: string) => z.string({ error: missing(name) }).trim().min(1, missing(name));
/** The documented form: file, checksum, collection, optional slug (an empty slug means none). */
const UploadForm = z.object({ checksum: required('checksum'), collection: required('collection'), slug: z.string().optional(), focalX: z.string().optional(), focalY: z.string().optional() });

/** Types at the edge: the form's fields checked and typed, the file handed on (or dropped on a 400). */
async function uploadCommand({ fields, file }: MultipartBody): Promise<UploadCommand> {
  const upload = file?.upload;
  if (!upload) throw new ValidationError(missing('file'), 'MISSING_FIELD');
  const form = UploadForm.safeParse(fields);
  if (!form.success) {
    if (!(upload instanceof RefusedUpload)) await upload.discard();
    throw new ValidationError(form.error.issues[0]!.message, 'MISSING_FIELD');
  }
  const { focalX, focalY } = form.data;
  const focalPoint = focalX === undefined && focalY === undefined ? null : { x: focalX ?? '', y: focalY ?? '' };
  return { file: upload, checksum: form.data.checksum, collectionId: form.data.collection, slug: form.data.slug || null, focalPoint };
}

export function imagesRoutes(images: ImagesService, library: ImageLibrary, quota: QuotaService, settings: PublicSettings & { publicBaseUrl: string }, links: DeliveryLinks): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/images',
      handler: (req) => listImages(library, req.actor!, req.query, `${settings.publicBaseUrl}/api/v1/images`, (i) => imageJson(i, links)),
    },
    {
      method: 'POST',
      path: '/api/v1/images',
      handler: async (req) => {
        const command = await uploadCommand(await req.multipart('file'));
        const { image, quota: after, created } = await images.upload(req.actor!, command);
        // 200: the same bytes are already this image (contract §7), nothing new was made
        return { status: created ? 201 : 200, body: imageJson(image, links), headers: quota.headers(after) };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/images/:id',
      handler: async (req) => ({ status: 200, body: imageJson(await images.get(req.actor!, req.params.id!), links) }),
    },
    {
      // contract §13: the focal point; a ready image's cover crops are made again around it
      method: 'PATCH',
      path: '/api/v1/images/:id',
      handler: async (req) => {
        const body = (await req.json()) as { focalPoint?: unknown };
        if (body.focalPoint === undefined) throw new ValidationError('Send "focalPoint": {"x", "y"}', 'INVALID_INPUT');
        await images.setFocalPoint(req.actor!, req.params.id!, body.focalPoint);
        return { status: 200, body: imageJson(await images.get(req.actor!, req.params.id!), links) };
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/images/:id',
      handler: async (req) => {
        await images.delete(req.actor!, req.params.id!);
        return { status: 204 };
      },
    },
  ];
}
