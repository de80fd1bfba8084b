import { builder } from '../../graphql/builder.ts';
import { TeamRef } from '../teams/team-ref.ts';
import { accountConfig, type AccountConfig } from './account-config.ts';

const QuotaRef = builder.objectRef<AccountConfig['quota']>('Quota').implement({
  description: 'Uploads this UTC calendar month.',
  fields: (t) => ({
    limit: t.exposeInt('limit'),
    used: t.exposeInt('used'),
    remaining: t.exposeInt('remaining'),
    resetsAt: t.field({ type: 'DateTime', resolve: (q) => new Date(q.resetsAt) }),
  }),
});

const ConfigRef = builder.objectRef<AccountConfig>('Config').implement({
  fields: (t) => ({
    plan: t.exposeString('plan'),
    quota: t.field({ type: QuotaRef, resolve: (c) => c.quota }),
    sizes: t.exposeIntList('sizes', { description: '0 is the full-size WebP; the rest are widths.' }),
    baseUrl: t.exposeString('baseUrl'),
    maxUploadBytes: t.exposeInt('maxUploadBytes'),
    formats: t.exposeStringList('formats'),
    directUploadsToBucket: t.boolean({
      description: 'True when a direct upload (createDirectUpload) sends the bytes straight to the storage bucket (STORAGE=s3); false on local storage, where its URL is this server.',
      resolve: (_c, _a, ctx) => ctx.services.config.storage === 's3',
    }),
  }),
});

builder.objectFields(TeamRef, (t) => ({
  quota: t.field({
    type: QuotaRef,
    description: "The team's uploads this month (its plan's limit; every member's uploads count).",
    resolve: async (team, _a, ctx) => (await accountConfig(ctx.services.quota, { teamId: team.id }, ctx.services.config)).quota,
  }),
}));

builder.queryFields((t) => ({
  config: t.field({
    type: ConfigRef,
    authScopes: { loggedIn: true },
    description: "The plan and quota of the viewer's team, and this deployment's sizes, CDN base URL and limits.",
    resolve: (_root, _args, ctx) => accountConfig(ctx.services.quota, ctx.actor!, ctx.services.config),
  }),
}));
