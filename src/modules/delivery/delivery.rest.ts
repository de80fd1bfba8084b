/** REST for private delivery (contract §11): URLs of a private image with a chosen lifetime. */
import type { Route } from '../../adapter/rest-route.ts';
import type { DeliveryService } from './delivery.service.ts';

export function deliveryRoutes(delivery: DeliveryService): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/images/:id/signed-urls',
      handler: async (req) => {
        const body = req.raw.headers['content-length'] === '0' || !req.raw.headers['content-type'] ? {} : await req.json();
        const { urls, named, expiresAt } = await delivery.signedUrls(req.actor!, req.params.id!, body.expiresIn);
        return { status: 200, body: { urls, named, expiresAt: expiresAt.toISOString() } };
      },
    },
  ];
}
