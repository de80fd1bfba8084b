/** REST for direct uploads (contract §12): create, local storage's signed PUT, complete. Thin: parse, call, map. */
import type { Route } from '../../adapter/rest-route.ts';
import type { QuotaService } from '../quota/quota.service.ts';
import type { Image } from '../images/image.entity.ts';
import type { DirectUploadsService, DirectUploadTicket } from './direct-uploads.service.ts';

export const directUploadJson = (t: DirectUploadTicket) => ({ id: t.id, method: t.method, url: t.url, headers: t.headers, expiresAt: t.expiresAt.toISOString() });

/** `imageJson` of the images adapter, handed in by the route table (a module never imports another's adapter). */
type ImageJson = (image: Image) => unknown;

export function directUploadsRoutes(uploads: DirectUploadsService, quota: QuotaService, imageJson: ImageJson): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/direct-uploads',
      handler: async (req) => ({ status: 201, body: directUploadJson(await uploads.create(req.actor!, await req.json())) }),
    },
    {
      // local storage only (S3 hands out a presigned bucket URL instead): the signature authorizes it
      method: 'PUT',
      path: '/api/v1/direct-uploads/:id/data',
      auth: false,
      handler: async (req) => {
        await uploads.receive(req.params.id!, req.query, req.raw);
        return { status: 200, body: { id: req.params.id, received: true } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/direct-uploads/:id/complete',
      handler: async (req) => {
        const { image, quota: after, created } = await uploads.complete(req.actor!, req.params.id!);
        return { status: created ? 201 : 200, body: imageJson(image), headers: quota.headers(after) };
      },
    },
  ];
}
