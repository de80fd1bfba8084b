/** The direct upload flow as a client runs it (contract §12): create, PUT exactly as told, complete. */
import { expect } from 'vitest';
import type { Client } from './http.ts';
import { sha256 } from './upload.ts';

export interface Ticket {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}

export async function createDirectUpload(client: Client, fields: { collection: string; size: number; checksum: string; filename?: string; slug?: string }) {
  return client.json<Ticket & { code?: string }>('POST', '/api/v1/direct-uploads', { filename: 'photo.jpg', ...fields });
}

/** PUTs `body` with the ticket's method, URL and headers (minus Content-Length, which fetch sets from the body, as browsers do). */
export async function putBytes(ticket: Ticket, body: Uint8Array): Promise<number> {
  const headers = Object.fromEntries(Object.entries(ticket.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
  const res = await fetch(ticket.url, { method: ticket.method, headers, body: new Uint8Array(body) });
  await res.arrayBuffer();
  return res.status;
}

export const completeDirectUpload = (client: Client, id: string) =>
  client.json<Record<string, unknown> & { id: string; status: string; code?: string }>('POST', `/api/v1/direct-uploads/${id}/complete`);

/** The whole happy path: returns the image as `complete` answered it. */
export async function directUpload(client: Client, collection: string, bytes: Uint8Array, slug?: string) {
  const created = await createDirectUpload(client, { collection, size: bytes.length, checksum: sha256(bytes), ...(slug ? { slug } : {}) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(await putBytes(created.body, bytes)).toBeLessThan(300);
  const done = await completeDirectUpload(client, created.body.id);
  expect(done.status, JSON.stringify(done.body)).toBe(201);
  return { ticket: created.body, image: done.body };
}

/** This month's uploads used, from the API. */
export async function quotaUsed(client: Client): Promise<number> {
  return (await client.json<{ quota: { used: number } }>('GET', '/api/v1/config')).body.quota.used;
}
