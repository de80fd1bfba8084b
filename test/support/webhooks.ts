/** Webhook helpers shared by the webhook tests: registering, reading the delivery log, verifying a signature. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { expect } from 'vitest';
import type { Client } from './http.ts';

export interface LoggedAttempt {
  id: string;
  deliveryId: string;
  eventId: string;
  event: string;
  attempt: number;
  manual: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  attemptedAt: string;
  nextRetryAt: string | null;
  deliveryStatus: string;
}

/** The README's verification, as a receiver writes it (kept word for word). */
export function verify(secret: string, rawBody: string, header: string, toleranceSeconds = 300): boolean {
  const { t, v1 } = Object.fromEntries(header.split(',').map((kv) => kv.split('=')));
  if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) return false; // replayed
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function register(client: Client, url: string, events = ['image.ready', 'image.failed']) {
  const res = await client.json<{ id: string; url: string; events: string[]; secret: string }>('POST', '/api/v1/webhooks', { url, events });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export const deliveryLog = async (client: Client, id: string) => (await client.json<LoggedAttempt[]>('GET', `/api/v1/webhooks/${id}/deliveries`)).body;

