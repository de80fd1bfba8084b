/**
 * One signed POST to a webhook endpoint, bounded: a deadline for the whole exchange, at most
 * MAX_RESPONSE_BYTES of the answer read, redirects never followed, a fresh connection each time
 * (no pooled socket outlives a DNS change). The connection goes to exactly the addresses checked.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { BlockedAddressError, resolveTarget, type HostLookup, type ResolvedAddress } from './webhook-address.ts';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.ts';

const MAX_RESPONSE_BYTES = 64 * 1024;
const ERROR_EXCERPT_CHARS = 200;

export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface SenderOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  lookup: HostLookup;
}

/** A lookup for http.request that answers the addresses already checked (with or without `all`). */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as (err: null, all: ResolvedAddress[]) => void)(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

export class WebhookSender {
  constructor(private readonly options: SenderOptions) {}

  async send(url: string, body: string, secret: string, eventId: string, at: Date): Promise<AttemptOutcome> {
    const started = performance.now();
    const outcome = await this.exchange(new URL(url), body, {
      'content-type': 'application/json',
      'user-agent': 'optimage-webhooks/1.0',
      'optimage-event-id': eventId,
      [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(secret, body, at),
    }).catch((err: unknown) => ({ statusCode: null, error: describeError(err) }));
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    return { ok, ...outcome, durationMs: Math.round(performance.now() - started) };
  }

  private async exchange(url: URL, body: string, headers: Record<string, string>): Promise<{ statusCode: number; error: string | null }> {
    const addresses = await resolveTarget(url.hostname, this.options.lookup, this.options.allowPrivate);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent: false, lookup: pinnedLookup(addresses) }, (res) => {
        readBounded(res).then((text) => resolve({ statusCode: res.statusCode ?? 0, error: answerError(res, text) }), reject);
      });
      const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      req.once('close', () => clearTimeout(deadline));
      req.once('error', reject);
      req.end(body);
    });
  }
}

/** Reads at most MAX_RESPONSE_BYTES, then stops listening (the rest is never downloaded). */
async function readBounded(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= MAX_RESPONSE_BYTES) {
      res.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
}

function answerError(res: IncomingMessage, text: string): string | null {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed (Location: ${String(res.headers.location ?? 'none').slice(0, ERROR_EXCERPT_CHARS)})`;
  const excerpt = text.trim().slice(0, ERROR_EXCERPT_CHARS);
  return excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}`;
}

function describeError(err: unknown): string {
  if (err instanceof BlockedAddressError) return `refused: ${err.message}`;
  const e = err as NodeJS.ErrnoException;
  return (e.code ? `${e.code}: ${e.message}` : String(e.message ?? err)).slice(0, 500);
}
