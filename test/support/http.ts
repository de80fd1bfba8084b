/** A tiny HTTP client over real sockets with a cookie jar, for REST and GraphQL tests. */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export class Client {
  cookie: string | null = null;
  bearer: string | null = null;

  constructor(readonly baseUrl: string) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { ...extra };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    return h;
  }

  async request(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
    const init: RequestInit = { method, headers: this.headers(extra) };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + path, init);
    const setCookie = res.headers.getSetCookie().find((c) => /^(__Host-)?optimage_session=/.test(c));
    if (setCookie) {
      const value = setCookie.split(';')[0]!;
      this.cookie = value.endsWith('=') ? null : value;
    }
    return res;
  }

  async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<{ status: number; body: T; res: Response }> {
    const res = await this.request(method, path, body, extra);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, res };
  }

  async gql<R, V>(doc: TypedDocumentNode<R, V>, variables?: V): Promise<{ data?: R; errors?: { message: string; extensions?: { code?: string } }[] }> {
    const res = await this.request('POST', '/graphql', { query: print(doc), variables });
    return (await res.json()) as { data?: R; errors?: { message: string; extensions?: { code?: string } }[] };
  }

  async signUp(email = `u${Math.random().toString(36).slice(2)}@example.com`, password = 'correct horse'): Promise<{ id: string; email: string }> {
    const { status, body } = await this.json<{ id: string; email: string }>('POST', '/api/v1/auth/signup', { email, password });
    if (status !== 201) throw new Error(`signup failed: ${status} ${JSON.stringify(body)}`);
    return body;
  }
}
