/** A real graphql-ws client over `ws`, collecting every event of one subscription. */
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Collected<T> {
  events: T[];
  done: Promise<void>;
  error: Promise<unknown>;
  unsubscribe: () => void;
}

export function wsClient(httpUrl: string, opts: { cookie?: string | null; authorization?: string; origin?: string } = {}): WsClient {
  const url = httpUrl.replace(/^http/, 'ws') + '/graphql';
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  class HeaderSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return createClient({
    url,
    webSocketImpl: HeaderSocket,
    connectionParams: opts.authorization ? { authorization: opts.authorization } : undefined,
    retryAttempts: 0,
    lazy: true,
  });
}

export function collect<T = Record<string, unknown>>(client: WsClient, query: string, variables: Record<string, unknown>, field: string): Collected<T> {
  const events: T[] = [];
  let resolveDone!: () => void;
  let resolveError!: (e: unknown) => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const error = new Promise<unknown>((r) => (resolveError = r));
  const unsubscribe = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (msg) => {
        if (msg.errors) resolveError(msg.errors);
        if (msg.data?.[field]) events.push(msg.data[field]);
      },
      error: (err) => resolveError(err),
      complete: () => resolveDone(),
    },
  );
  return { events, done, error, unsubscribe };
}

export interface OperationResult {
  data?: Record<string, unknown> | null;
  /** The result's errors, or the errors the server refused the operation with (an `error` message). */
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Runs one query or mutation over graphql-ws and settles with its result or its refusal. */
export function wsOperation(client: WsClient, query: string, variables: Record<string, unknown> = {}): Promise<OperationResult> {
  return new Promise((resolve, reject) => {
    let result: OperationResult | undefined;
    client.subscribe<Record<string, unknown>>(
      { query, variables },
      {
        next: (msg) => (result = msg as OperationResult),
        error: (err) => (Array.isArray(err) ? resolve({ errors: err as OperationResult['errors'] }) : reject(err)),
        complete: () => resolve(result ?? {}),
      },
    );
  });
}
