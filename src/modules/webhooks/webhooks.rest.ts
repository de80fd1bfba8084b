/** REST: /api/v1/webhooks (contract §8). Thin: parse, call, map. */
import { z } from 'zod';
import { ValidationError } from '../../errors.ts';
import type { Route } from '../../adapter/rest-route.ts';
import type { WebhookDelivery } from './webhook-delivery.entity.ts';
import type { Webhook } from './webhook.entity.ts';
import { MAX_LOG_ENTRIES, type LoggedAttempt, type WebhooksService } from './webhooks.service.ts';

const webhookJson = (w: Webhook) => ({ id: w.id, url: w.url, events: w.events, createdAt: w.createdAt.toISOString() });

export const attemptJson = (a: LoggedAttempt) => ({
  id: a.id,
  deliveryId: a.deliveryId,
  eventId: a.eventId,
  event: a.eventType,
  attempt: a.attempt,
  manual: a.manual,
  statusCode: a.statusCode,
  durationMs: a.durationMs,
  error: a.error,
  attemptedAt: a.startedAt.toISOString(),
  nextRetryAt: a.nextRetryAt?.toISOString() ?? null,
  deliveryStatus: a.deliveryStatus,
});

const deliveryJson = (d: WebhookDelivery) => ({
  id: d.id,
  eventId: d.eventId,
  event: d.eventType,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
});

const CreateWebhook = z.object({
  url: z.string({ error: 'url is required (a string)' }),
  events: z.array(z.string(), { error: 'events is required (a list of event names)' }),
});

export function webhooksRoutes(webhooks: WebhooksService): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/webhooks',
      handler: async (req) => {
        const input = CreateWebhook.safeParse(await req.json());
        if (!input.success) throw new ValidationError(input.error.issues[0]!.message, 'INVALID_INPUT', String(input.error.issues[0]!.path[0] ?? '') || null);
        const { webhook, secret } = await webhooks.create(req.actor!, input.data);
        return { status: 201, body: { ...webhookJson(webhook), secret } };
      },
    },
    { method: 'GET', path: '/api/v1/webhooks', handler: async (req) => ({ status: 200, body: (await webhooks.list(req.actor!)).map(webhookJson) }) },
    { method: 'GET', path: '/api/v1/webhooks/:id', handler: async (req) => ({ status: 200, body: webhookJson(await webhooks.get(req.actor!, req.params.id!)) }) },
    {
      method: 'DELETE',
      path: '/api/v1/webhooks/:id',
      handler: async (req) => {
        await webhooks.delete(req.actor!, req.params.id!);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/webhooks/:id/deliveries',
      handler: async (req) => {
        const limit = Number(req.query.get('limit') ?? MAX_LOG_ENTRIES);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_ENTRIES) throw new ValidationError(`limit must be a whole number from 1 to ${MAX_LOG_ENTRIES}`, 'INVALID_INPUT', 'limit');
        return { status: 200, body: (await webhooks.log(req.actor!, req.params.id!, limit)).map(attemptJson) };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/webhooks/:id/deliveries/:deliveryId/resend',
      handler: async (req) => ({ status: 202, body: deliveryJson(await webhooks.resend(req.actor!, req.params.id!, req.params.deliveryId!)) }),
    },
  ];
}
