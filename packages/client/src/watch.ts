/**
 * Follows an image through processing: GET /api/v1/images/:id/events (Server-Sent Events), read
 * with fetch so an API key or upload token can be sent. Every event goes to `onEvent`; the promise
 * settles with the last one (status `ready` or `failed`).
 */
import { errorOf } from './errors.js';

export interface StatusEvent {
  id: string;
  status: 'processing' | 'ready' | 'failed';
  step: string | null;
  progress: number;
  error: string | null;
}

export interface WatchOptions {
  /** The API's origin, e.g. `https://images.example.com`. */
  baseUrl: string;
  /** An API key or upload token; without one the browser's session cookie is sent. */
  token?: string;
  signal?: AbortSignal;
}

export function authInit(token: string | undefined): RequestInit {
  return token ? { headers: { Authorization: `Bearer ${token}` } } : { credentials: 'include' };
}

export async function watch(id: string, options: WatchOptions, onEvent: (event: StatusEvent) => void = () => {}): Promise<StatusEvent> {
  const res = await fetch(`${options.baseUrl}/api/v1/images/${encodeURIComponent(id)}/events`, { ...authInit(options.token), signal: options.signal });
  if (!res.ok || !res.body) throw errorOf(res.status, await res.text());
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let last: StatusEvent | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
      buffer = buffer.slice(end + 2);
      if (!data) continue;
      last = JSON.parse(data) as StatusEvent;
      onEvent(last);
    }
  }
  if (!last) throw new Error(`no status event for ${id}`);
  return last;
}
