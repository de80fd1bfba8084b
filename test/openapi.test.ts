/** The served OpenAPI document is valid 3.1 and real responses of every REST route conform to it. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restRoutes } from '../src/http/routes.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { restUpload, sha256, uploadForm, waitForImage } from './support/upload.ts';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
  components: { schemas: Record<string, object> };
};

let app: TestApp;
let doc: Doc;
let ajv: Ajv2020;
const checked = new Set<string>();

beforeAll(async () => {
  app = await startTestApp({ PLAN_LIMITS: 'free=2', WEBHOOK_ALLOW_PRIVATE: 'on' });
  const res = await fetch(`${app.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components });
});
afterAll(async () => {
  await app?.close();
});

/** Validates a real response against the document's schema for that path, method and status. */
async function conforms(path: string, method: string, res: { status: number; body: unknown }) {
  const op = doc.paths[path]?.[method];
  expect(op, `${method} ${path} documented`).toBeDefined();
  const documented = op!.responses[String(res.status)];
  expect(documented, `${method} ${path} ${res.status} documented`).toBeDefined();
  const schema = documented!.content?.['application/json']?.schema;
  if (schema) {
    const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
    const validate = ajv.compile(resolved);
    const ok = validate(res.body);
    expect(ok, `${method} ${path} ${res.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
  } else {
    expect(res.body).toBeUndefined();
  }
  checked.add(`${method} ${path} ${res.status}`);
}

describe('OpenAPI conformance', () => {
  it('is an OpenAPI 3.1 document whose schemas compile', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const name of Object.keys(doc.components.schemas)) expect(() => ajv.getSchema(`doc#/components/schemas/${name}`)).not.toThrow();
  });

  it('documents every route of the REST table, with its method', () => {
    const routes = restRoutes(app.services, app.config).filter((r) => r.path.startsWith('/api/v1/') && r.path !== '/api/v1/openapi.json');
    const undocumented = routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`).filter((route) => {
      const [method, path] = route.split(' ');
      return !doc.paths[path!]?.[method!.toLowerCase()];
    });
    expect(routes.length).toBeGreaterThan(40);
    expect(undocumented).toEqual([]);
  });

  it('every REST route answers as documented, successes and errors', async () => {
    const c = new Client(app.url);
    const email = `oa${Date.now()}@example.com`;
    await conforms('/api/v1/auth/signup', 'post', await c.json('POST', '/api/v1/auth/signup', { email, password: 'long enough' }));
    await conforms('/api/v1/auth/signup', 'post', await c.json('POST', '/api/v1/auth/signup', { email, password: 'long enough' }));
    await conforms('/api/v1/auth/signup', 'post', await c.json('POST', '/api/v1/auth/signup', { email: 'x@y.z', password: 'short' }));
    await conforms('/api/v1/auth/me', 'get', await c.json('GET', '/api/v1/auth/me'));
    await conforms('/api/v1/auth/me', 'get', await new Client(app.url).json('GET', '/api/v1/auth/me'));
    await conforms('/api/v1/auth/login', 'post', await new Client(app.url).json('POST', '/api/v1/auth/login', { email, password: 'long enough' }));
    await conforms('/api/v1/auth/login', 'post', await new Client(app.url).json('POST', '/api/v1/auth/login', { email, password: 'wrong wrong' }));

    const key = await c.json<{ id: string }>('POST', '/api/v1/api-keys', { name: 'k' });
    await conforms('/api/v1/api-keys', 'post', key);
    await conforms('/api/v1/api-keys', 'post', await c.json('POST', '/api/v1/api-keys', {}));
    await conforms('/api/v1/api-keys', 'get', await c.json('GET', '/api/v1/api-keys'));
    await conforms('/api/v1/api-keys/{id}', 'delete', await c.json('DELETE', `/api/v1/api-keys/${key.body.id}`));
    await conforms('/api/v1/api-keys/{id}', 'delete', await c.json('DELETE', `/api/v1/api-keys/${key.body.id}`));

    const col = await c.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Docs' });
    await conforms('/api/v1/collections', 'post', col);
    await conforms('/api/v1/collections', 'post', await c.json('POST', '/api/v1/collections', { name: '' }));
    await conforms('/api/v1/collections', 'get', await c.json('GET', '/api/v1/collections'));
    await conforms('/api/v1/collections/{id}', 'get', await c.json('GET', `/api/v1/collections/${col.body.id}`));
    await conforms('/api/v1/collections/{id}', 'patch', await c.json('PATCH', `/api/v1/collections/${col.body.id}`, { name: 'Docs 2' }));
    await conforms('/api/v1/collections/{id}', 'get', await c.json('GET', '/api/v1/collections/col_missing'));

    const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#468' } }).jpeg().toBuffer();
    const up = await restUpload(c, photo, { collection: col.body.id, slug: 'doc' });
    await conforms('/api/v1/images', 'post', up);
    const other = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#864' } }).jpeg().toBuffer();
    await conforms('/api/v1/images', 'post', await restUpload(c, other, { collection: col.body.id, slug: 'doc' })); // 409
    await conforms('/api/v1/images', 'post', await restUpload(c, photo, { collection: col.body.id })); // 200: the same bytes again
    await conforms('/api/v1/images', 'post', await c.json('POST', '/api/v1/images', uploadForm(photo, { collection: col.body.id, checksum: sha256(Buffer.from('no')) })));
    await conforms('/api/v1/images', 'post', await restUpload(c, photo, { collection: 'col_nope' }));
    await waitForImage(c, up.body.id);
    await conforms('/api/v1/images/{id}', 'get', await c.json('GET', `/api/v1/images/${up.body.id}`));
    await conforms('/api/v1/images', 'get', await c.json('GET', '/api/v1/images'));
    await conforms('/api/v1/images/{id}/retry', 'post', await c.json('POST', `/api/v1/images/${up.body.id}/retry`)); // 409: ready
    await conforms('/api/v1/collections/{id}', 'patch', await c.json('PATCH', `/api/v1/collections/${col.body.id}`, { formats: ['avif'] })); // 400
    await conforms('/api/v1/collections/{id}/reprocess', 'get', await c.json('GET', `/api/v1/collections/${col.body.id}/reprocess`)); // 404: never
    await app.processing!.pause(); // the run stays running until the second request has been answered
    await conforms('/api/v1/collections/{id}/reprocess', 'post', await c.json('POST', `/api/v1/collections/${col.body.id}/reprocess`));
    await conforms('/api/v1/collections/{id}/reprocess', 'post', await c.json('POST', `/api/v1/collections/${col.body.id}/reprocess`)); // 409 while it runs
    await conforms('/api/v1/collections/{id}/reprocess', 'get', await c.json('GET', `/api/v1/collections/${col.body.id}/reprocess`));
    await app.processing!.resume();
    await conforms('/api/v1/images', 'post', await restUpload(c, photo, { collection: col.body.id, slug: 'doc-2' }));
    await conforms('/api/v1/images', 'post', await restUpload(c, photo, { collection: col.body.id, slug: 'doc-3' })); // 429
    await conforms('/api/v1/config', 'get', await c.json('GET', '/api/v1/config'));
    await conforms('/api/v1/direct-uploads', 'post', await c.json('POST', '/api/v1/direct-uploads', { collection: col.body.id, filename: 'd.jpg', size: photo.length, checksum: sha256(photo) })); // 429

    // direct uploads (local storage: this server's signed PUT) and signed URLs, by a second account
    const d = new Client(app.url);
    await d.signUp();
    const pub = (await d.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Direct' })).body.id;
    const priv = (await d.json<{ id: string }>('POST', '/api/v1/collections', { name: 'Private' })).body.id;
    expect((await d.json('PATCH', `/api/v1/collections/${priv}`, { visibility: 'private' })).status).toBe(200);
    const direct = async (collection: string, bytes: Buffer) => {
      const ticket = await d.json<{ id: string; method: string; url: string; headers: Record<string, string> }>('POST', '/api/v1/direct-uploads', { collection, filename: 'd.jpg', size: bytes.length, checksum: sha256(bytes) });
      await conforms('/api/v1/direct-uploads', 'post', ticket);
      const put = await fetch(ticket.body.url, { method: ticket.body.method, headers: ticket.body.headers, body: new Uint8Array(bytes) });
      await conforms('/api/v1/direct-uploads/{id}/data', 'put', { status: put.status, body: await put.json() });
      const done = await d.json<{ id: string }>('POST', `/api/v1/direct-uploads/${ticket.body.id}/complete`);
      await conforms('/api/v1/direct-uploads/{id}/complete', 'post', done);
      return { ticket: ticket.body, image: done.body };
    };
    const first = await direct(pub, photo);
    await conforms('/api/v1/direct-uploads/{id}/complete', 'post', await d.json('POST', `/api/v1/direct-uploads/${first.ticket.id}/complete`)); // 200: again
    await conforms('/api/v1/direct-uploads/{id}/complete', 'post', await d.json('POST', '/api/v1/direct-uploads/dup_missing/complete'));
    await conforms('/api/v1/direct-uploads', 'post', await d.json('POST', '/api/v1/direct-uploads', { collection: pub, size: 10, checksum: 'nope' }));
    const badPut = await fetch(`${first.ticket.url.split('?')[0]}?exp=1&sig=00`, { method: 'PUT', body: new Uint8Array(photo) });
    await conforms('/api/v1/direct-uploads/{id}/data', 'put', { status: badPut.status, body: await badPut.json() });
    await waitForImage(d, first.image.id);
    await conforms('/api/v1/images/{id}/signed-urls', 'post', await d.json('POST', `/api/v1/images/${first.image.id}/signed-urls`, {})); // 409: public
    await conforms('/api/v1/images/{id}/signed-urls', 'post', await d.json('POST', '/api/v1/images/img_missing/signed-urls', {}));
    const secret = await direct(priv, other);
    await waitForImage(d, secret.image.id);
    await conforms('/api/v1/images/{id}/signed-urls', 'post', await d.json('POST', `/api/v1/images/${secret.image.id}/signed-urls`, { expiresIn: 600 }));
    await conforms('/api/v1/images/{id}/signed-urls', 'post', await d.json('POST', `/api/v1/images/${secret.image.id}/signed-urls`, { expiresIn: 5 }));

    const hook = await c.json<{ id: string }>('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['image.ready'] });
    await conforms('/api/v1/webhooks', 'post', hook);
    await conforms('/api/v1/webhooks', 'post', await c.json('POST', '/api/v1/webhooks', { url: 'ftp://x', events: ['image.ready'] }));
    await conforms('/api/v1/webhooks', 'get', await c.json('GET', '/api/v1/webhooks'));
    await conforms('/api/v1/webhooks/{id}', 'get', await c.json('GET', `/api/v1/webhooks/${hook.body.id}`));
    await conforms('/api/v1/webhooks/{id}/deliveries', 'get', await c.json('GET', `/api/v1/webhooks/${hook.body.id}/deliveries`));
    await conforms('/api/v1/webhooks/{id}/deliveries/{deliveryId}/resend', 'post', await c.json('POST', `/api/v1/webhooks/${hook.body.id}/deliveries/dlv_missing/resend`));
    await conforms('/api/v1/webhooks/{id}', 'delete', await c.json('DELETE', `/api/v1/webhooks/${hook.body.id}`));
    await conforms('/api/v1/webhooks/{id}', 'get', await c.json('GET', `/api/v1/webhooks/${hook.body.id}`));
    await conforms('/api/v1/images/{id}', 'delete', await c.json('DELETE', `/api/v1/images/${up.body.id}`));
    await conforms('/api/v1/images/{id}', 'get', await c.json('GET', `/api/v1/images/${up.body.id}`));
    await conforms('/api/v1/collections/{id}', 'delete', await c.json('DELETE', `/api/v1/collections/${col.body.id}`));
    await conforms('/api/v1/auth/logout', 'post', await c.json('POST', '/api/v1/auth/logout'));

    expect([...checked]).toEqual(
      expect.arrayContaining(['post /api/v1/images 200', 'post /api/v1/collections/{id}/reprocess 202', 'post /api/v1/collections/{id}/reprocess 409', 'post /api/v1/images/{id}/retry 409', 'post /api/v1/images 201', 'post /api/v1/images 400', 'post /api/v1/images 403', 'post /api/v1/images 409', 'post /api/v1/images 429', 'get /api/v1/config 200', 'post /api/v1/direct-uploads 201', 'post /api/v1/direct-uploads 429', 'put /api/v1/direct-uploads/{id}/data 200', 'put /api/v1/direct-uploads/{id}/data 403', 'post /api/v1/direct-uploads/{id}/complete 201', 'post /api/v1/direct-uploads/{id}/complete 200', 'post /api/v1/images/{id}/signed-urls 200', 'post /api/v1/images/{id}/signed-urls 400', 'post /api/v1/images/{id}/signed-urls 409']),
    );
  });
});
