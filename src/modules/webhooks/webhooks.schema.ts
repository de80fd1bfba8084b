/** GraphQL for webhooks: the same operations as REST /api/v1/webhooks, over WebhooksService. */
import { builder } from '../../graphql/builder.ts';
import { DeletedRef } from '../../graphql/error-types.ts';
import { NodeInterface, registerNode } from '../../graphql/node.ts';
import type { DeliveryStatus, WebhookDelivery } from './webhook-delivery.entity.ts';
import { WEBHOOK_EVENTS, type WebhookEvent } from './webhook-events.ts';
import type { Webhook } from './webhook.entity.ts';
import { MAX_LOG_ENTRIES, type LoggedAttempt } from './webhooks.service.ts';

/** `image.ready` ⇄ `IMAGE_READY`: GraphQL enum values are SCREAMING_CASE (contract §6). */
const enumName = (event: string) => event.replace('.', '_').toUpperCase();

const WebhookEventEnum = builder.enumType('WebhookEvent', {
  values: Object.fromEntries(WEBHOOK_EVENTS.map((e) => [enumName(e), { value: e, description: `The event \`${e}\`.` }])) as Record<string, { value: WebhookEvent }>,
});

const DeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  values: { PENDING: { value: 'pending' as DeliveryStatus }, DELIVERED: { value: 'delivered' as DeliveryStatus }, FAILED: { value: 'failed' as DeliveryStatus, description: 'Retried for 24 hours, then given up.' } },
});

const WebhookAttemptRef = builder.objectRef<LoggedAttempt>('WebhookAttempt').implement({
  description: 'One HTTP attempt of a delivery, as the delivery log lists it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    deliveryId: t.exposeID('deliveryId'),
    eventId: t.exposeString('eventId', { description: 'The `id` in the delivered body: receivers dedupe by it.' }),
    event: t.field({ type: WebhookEventEnum, resolve: (a) => a.eventType }),
    attempt: t.exposeInt('attempt'),
    manual: t.exposeBoolean('manual', { description: 'A re-send by hand.' }),
    statusCode: t.exposeInt('statusCode', { nullable: true, description: 'null when no answer came (refused address, connection error, timeout).' }),
    durationMs: t.exposeInt('durationMs'),
    error: t.exposeString('error', { nullable: true }),
    attemptedAt: t.expose('startedAt', { type: 'DateTime' }),
    nextRetryAt: t.expose('nextRetryAt', { type: 'DateTime', nullable: true }),
    deliveryStatus: t.field({ type: DeliveryStatusEnum, resolve: (a) => a.deliveryStatus }),
  }),
});

const WebhookDeliveryRef = builder.objectRef<WebhookDelivery>('WebhookDelivery').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    eventId: t.exposeString('eventId'),
    event: t.field({ type: WebhookEventEnum, resolve: (d) => d.eventType }),
    status: t.field({ type: DeliveryStatusEnum, resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const WebhookRef = builder.objectRef<Webhook>('Webhook').implement({
  description: 'An endpoint that receives signed image events. Its secret is only returned once, by createWebhook.',
  interfaces: [NodeInterface],
  fields: (t) => ({
    url: t.exposeString('url'),
    events: t.field({ type: [WebhookEventEnum], resolve: (w) => w.events }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    attempts: t.field({
      type: [WebhookAttemptRef],
      description: `The delivery log: the most recent attempts, newest first (at most ${MAX_LOG_ENTRIES}).`,
      args: { limit: t.arg.int({ required: false, defaultValue: MAX_LOG_ENTRIES }) },
      resolve: (w, args, ctx) => ctx.services.webhooks.log(ctx.actor!, w.id, args.limit ?? MAX_LOG_ENTRIES),
    }),
  }),
});

registerNode('whk', WebhookRef, (ids, ctx) => ctx.services.webhooks.findMany(ctx.actor!, ids));

const NewWebhookRef = builder.objectRef<{ webhook: Webhook; secret: string }>('NewWebhook').implement({
  fields: (t) => ({
    webhook: t.field({ type: WebhookRef, resolve: (p) => p.webhook }),
    secret: t.exposeString('secret', { description: 'Signs every delivery (Optimage-Signature). Shown only here.' }),
  }),
});

builder.queryFields((t) => ({
  webhooks: t.field({
    type: [WebhookRef],
    authScopes: { loggedIn: true },
    resolve: (_root, _args, ctx) => ctx.services.webhooks.list(ctx.actor!),
  }),
}));

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: NewWebhookRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { url: t.arg.string(), events: t.arg({ type: [WebhookEventEnum] }) },
    resolve: (_root, args, ctx) => ctx.services.webhooks.create(ctx.actor!, args),
  }),
  deleteWebhook: t.field({
    type: DeletedRef,
    errors: {},
    authScopes: { loggedIn: true },
    args: { id: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      await ctx.services.webhooks.delete(ctx.actor!, String(args.id));
      return { id: String(args.id) };
    },
  }),
  resendWebhookDelivery: t.field({
    type: WebhookDeliveryRef,
    errors: {},
    description: 'Queues one more attempt of a delivery now, whatever its status.',
    authScopes: { loggedIn: true },
    args: { webhookId: t.arg.id(), deliveryId: t.arg.id() },
    resolve: (_root, args, ctx) => ctx.services.webhooks.resend(ctx.actor!, String(args.webhookId), String(args.deliveryId)),
  }),
}));
