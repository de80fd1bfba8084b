/** Upload helpers: the documented multipart form (REST) and the GraphQL multipart request spec. */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from './http.ts';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface UploadFields {
  checksum?: string;
  collection?: string;
  slug?: string;
  filename?: string;
  type?: string;
}

/** Exactly like the documented JavaScript: the file part first, then checksum, collection, slug. */
export function uploadForm(bytes: Uint8Array, fields: UploadFields): FormData {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: fields.type ?? 'image/jpeg' }), fields.filename ?? 'photo.jpg');
  if (fields.checksum !== undefined) form.append('checksum', fields.checksum);
  if (fields.collection !== undefined) form.append('collection', fields.collection);
  if (fields.slug !== undefined) form.append('slug', fields.slug);
  return form;
}

export async function restUpload(client: Client, bytes: Uint8Array, fields: UploadFields) {
  return client.json<Record<string, unknown> & { id: string; slug: string; status: string; code?: string }>(
    'POST',
    '/api/v1/images',
    uploadForm(bytes, { checksum: sha256(bytes), ...fields }),
  );
}

/** Uploads over REST into `collection` and waits until the image is ready (anything else throws, with the body). */
export async function uploadReady<T>(client: Client, collection: string, bytes: Uint8Array, slug: string, timeoutMs = 120_000): Promise<T> {
  const upload = await restUpload(client, bytes, { collection, slug });
  if (upload.status !== 201) throw new Error(`POST /api/v1/images answered ${upload.status}: ${JSON.stringify(upload.body)}`);
  const image = await waitForImage(client, upload.body.id, timeoutMs);
  if (image.status !== 'ready') throw new Error(`image ${upload.body.id} is ${image.status}: ${JSON.stringify(image)}`);
  return image as T;
}

/** The GraphQL multipart request spec: operations, map, then the file. */
export async function graphqlUpload(client: Client, query: string, variables: Record<string, unknown>, bytes: Uint8Array, filename = 'photo.jpg', headers: Record<string, string> = { 'x-graphql-yoga-csrf': '1' }) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), filename);
  const res = await client.request('POST', '/graphql', form, headers);
  return { status: res.status, body: (await res.json()) as { data?: Record<string, Record<string, unknown>>; errors?: { message: string }[] } };
}

/** Polls the REST API until the image leaves `processing` (tests of the subscription live elsewhere). */
export async function waitForImage(client: Client, id: string, timeoutMs = 30_000): Promise<Record<string, unknown> & { status: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await client.json<Record<string, unknown> & { status: string }>('GET', `/api/v1/images/${id}`);
    if (body.status !== 'processing') return body;
    if (Date.now() > deadline) throw new Error(`image ${id} still processing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Files (not hidden sidecars) under `root`, relative to it; [] when `root` does not exist. A
 * recursive readdir fails when a subdirectory is pruned while it walks (the processor tidies its
 * staging area right after activation), so that case is read again rather than taken as empty.
 */
export async function listStoredFiles(root: string): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if ((err as NodeJS.ErrnoException).path === root) return [];
      if (attempt >= 20) throw err;
    }
  }
}
