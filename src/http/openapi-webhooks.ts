/** The OpenAPI description of /api/v1/webhooks (contract §8); merged into openapi.ts. */
import { body, error, idParam, json, ref, unauthorized } from './openapi-parts.ts';

const notFound = error('No such webhook', 'WEBHOOK_NOT_FOUND');
const hookId = idParam('id', 'whk_abc');
const webhookFields = { id: { type: 'string', pattern: '^whk_' }, url: { type: 'string', format: 'uri' }, events: { type: 'array', items: ref('WebhookEvent') }, createdAt: { type: 'string', format: 'date-time' } };
const dateOrNull = { type: ['string', 'null'], format: 'date-time' };

export function webhookPaths() {
  return {
    '/api/v1/webhooks': {
      get: { summary: 'List webhooks (no secrets)', responses: { 200: json({ type: 'array', items: ref('Webhook') }, 'Webhooks'), 401: unauthorized } },
      post: {
        summary: 'Register an endpoint for image events; the signing secret is returned only here',
        requestBody: body({ type: 'object', required: ['url', 'events'], properties: { url: { type: 'string', format: 'uri' }, events: { type: 'array', items: ref('WebhookEvent'), minItems: 1 } } }),
        responses: {
          201: json(ref('NewWebhook'), 'Registered'),
          400: error('Bad URL or events, or a URL on a loopback, private or link-local address', 'WEBHOOK_URL_FORBIDDEN'),
          401: unauthorized,
          409: error('As many webhooks as allowed', 'WEBHOOK_LIMIT'),
        },
      },
    },
    '/api/v1/webhooks/{id}': {
      get: { summary: 'One webhook', parameters: [hookId], responses: { 200: json(ref('Webhook'), 'The webhook'), 401: unauthorized, 404: notFound } },
      delete: { summary: 'Delete a webhook and its delivery log', parameters: [hookId], responses: { 204: { description: 'Deleted' }, 401: unauthorized, 404: notFound } },
    },
    '/api/v1/webhooks/{id}/deliveries': {
      get: {
        summary: 'The delivery log: the most recent attempts, newest first',
        parameters: [hookId, { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } }],
        responses: { 200: json({ type: 'array', items: ref('WebhookAttempt') }, 'Attempts'), 400: error('Bad limit', 'INVALID_INPUT'), 401: unauthorized, 404: notFound },
      },
    },
    '/api/v1/webhooks/{id}/deliveries/{deliveryId}/resend': {
      post: {
        summary: 'Queue one more attempt of a delivery now',
        parameters: [hookId, idParam('deliveryId', 'dlv_abc')],
        responses: { 202: json(ref('WebhookDelivery'), 'Queued'), 401: unauthorized, 404: error('No such webhook or delivery', 'DELIVERY_NOT_FOUND') },
      },
    },
  };
}

export function webhookSchemas() {
  return {
    WebhookEvent: { enum: ['image.ready', 'image.failed'] },
    Webhook: { type: 'object', required: Object.keys(webhookFields), additionalProperties: false, properties: webhookFields },
    NewWebhook: { type: 'object', required: [...Object.keys(webhookFields), 'secret'], properties: { ...webhookFields, secret: { type: 'string', pattern: '^whsec_' } } },
    WebhookAttempt: {
      type: 'object',
      required: ['id', 'deliveryId', 'eventId', 'event', 'attempt', 'manual', 'statusCode', 'durationMs', 'error', 'attemptedAt', 'nextRetryAt', 'deliveryStatus'],
      properties: {
        id: { type: 'string', pattern: '^att_' },
        deliveryId: { type: 'string', pattern: '^dlv_' },
        eventId: { type: 'string', pattern: '^evt_' },
        event: ref('WebhookEvent'),
        attempt: { type: 'integer', minimum: 1 },
        manual: { type: 'boolean' },
        statusCode: { type: ['integer', 'null'], description: 'null when no answer came (refused address, connection error, timeout)' },
        durationMs: { type: 'integer' },
        error: { type: ['string', 'null'] },
        attemptedAt: { type: 'string', format: 'date-time' },
        nextRetryAt: dateOrNull,
        deliveryStatus: { enum: ['pending', 'delivered', 'failed'] },
      },
    },
    WebhookDelivery: {
      type: 'object',
      required: ['id', 'eventId', 'event', 'status', 'attempts', 'nextAttemptAt', 'createdAt'],
      properties: { id: { type: 'string', pattern: '^dlv_' }, eventId: { type: 'string', pattern: '^evt_' }, event: ref('WebhookEvent'), status: { enum: ['pending', 'delivered', 'failed'] }, attempts: { type: 'integer' }, nextAttemptAt: dateOrNull, createdAt: { type: 'string', format: 'date-time' } },
    },
  };
}
