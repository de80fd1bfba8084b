/** The events a webhook can subscribe to (contract §8), and the body each delivery carries. */
export const WEBHOOK_EVENTS = ['image.ready', 'image.failed'] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const isWebhookEvent = (value: unknown): value is WebhookEvent => (WEBHOOK_EVENTS as readonly unknown[]).includes(value);

/** The JSON body of a delivery; `id` is the same for every attempt and every endpoint of one event. */
export function eventBody(type: WebhookEvent, id: string, createdAt: Date, image: unknown): string {
  return JSON.stringify({ type, id, createdAt: createdAt.toISOString(), data: { image } });
}
