/**
 * GraphQL for direct uploads (contract §12), beside the Image type it returns (the direct-uploads
 * module keeps the service; this adapter lives where ImageRef is defined, as adapters may not
 * import another module's adapter).
 */
import { builder } from '../../graphql/builder.ts';
import { ImageRef } from './images.schema.ts';

/** What createDirectUpload answers (the direct-uploads service's ticket), by shape: images does not import that room. */
interface DirectUploadTicket {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
}

const HeaderRef = builder.objectRef<{ name: string; value: string }>('HttpHeader').implement({
  fields: (t) => ({ name: t.exposeString('name'), value: t.exposeString('value') }),
});

const DirectUploadRef = builder.objectRef<DirectUploadTicket>('DirectUpload').implement({
  description: 'Where to send the file: exactly this method, URL and headers (a presigned bucket PUT on S3, a signed URL of this server on local storage). Then call completeDirectUpload.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'dup_…' }),
    method: t.exposeString('method'),
    url: t.exposeString('url'),
    headers: t.field({ type: [HeaderRef], resolve: (u) => Object.entries(u.headers).map(([name, value]) => ({ name, value })) }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

builder.mutationFields((t) => ({
  createDirectUpload: t.field({
    type: DirectUploadRef,
    errors: {},
    authScopes: { loggedIn: true },
    description: 'Starts an upload straight to storage: checks the collection, slug, size and quota; stores nothing yet.',
    args: { collectionId: t.arg.id(), filename: t.arg.string(), size: t.arg.int(), checksum: t.arg.string(), slug: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) =>
      ctx.services.directUploads.create(ctx.actor!, { collection: String(args.collectionId), filename: args.filename, size: args.size, checksum: args.checksum, slug: args.slug ?? undefined }),
  }),
  completeDirectUpload: t.field({
    type: ImageRef,
    errors: {},
    authScopes: { loggedIn: true },
    description: 'Reads the uploaded bytes back, checks length, SHA-256 and format, and makes the image (PROCESSING). Repeating it returns the same image.',
    args: { id: t.arg.id() },
    resolve: async (_root, args, ctx) => (await ctx.services.directUploads.complete(ctx.actor!, String(args.id))).image,
  }),
}));
