/**
 * Environment → typed, nested Config. The only reader of process.env. Every problem is reported at
 * once, one line per variable, so an operator fixes a bad deployment in one go.
 */
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

export type PlanName = 'free' | 'pro' | 'business';
export const PLAN_NAMES: readonly PlanName[] = ['free', 'pro', 'business'];

export interface Config {
  http: {
    host: string;
    port: number;
    publicBaseUrl: string;
    cdnBaseUrl: string;
    corsOrigins: string[];
    secureCookies: boolean;
    /** Behind a reverse proxy: take the client address from X-Forwarded-For (its first entry). */
    trustProxy: boolean;
    /** Which URLs were derived from HOST:PORT (and so follow the real port when PORT=0). */
    derived: { publicBaseUrl: boolean; cdnBaseUrl: boolean };
  };
  dataDir: string;
  database: { url: string | undefined };
  storage:
    | { driver: 'local'; rootDir: string }
    | {
        driver: 's3';
        endpoint: string | undefined;
        region: string;
        bucket: string;
        originalsBucket: string | undefined;
        /** Where private collections' files live (S3_PRIVATE_BUCKET, else S3_ORIGINALS_BUCKET); unset: collections cannot be made private. */
        privateBucket: string | undefined;
        accessKeyId: string;
        secretAccessKey: string;
        forcePathStyle: boolean;
      };
  plans: Record<PlanName, number>;
  limits: { maxUploadBytes: number; maxInputPixels: number; maxFrames: number; maxJsonBytes: number; jobTimeoutMs: number };
  processing: { enabled: boolean; threads: number; /** Memory the pool's images may hold at once (pixel-budget.ts). */ memoryBudgetMb: number };
  /** What a GraphQL document may ask for (see src/http/graphql-limits.ts and the README). */
  graphql: { introspection: boolean; jit: boolean; maxDepth: number; maxAliases: number; maxTokens: number; maxDirectives: number; maxCost: number };
  /** GET /metrics: a bearer token when set; workers (no HTTP port) listen for it on their own port when set. */
  metrics: { token: string | undefined; workerPort: number | undefined };
  /** Outgoing webhook deliveries (contract §8): private targets only when allowed, every attempt bounded in time, the log kept `logDays`. */
  webhooks: { allowPrivate: boolean; timeoutMs: number; logDays: number; logPruneIntervalMs: number };
  /** Resumable (tus) uploads: how long an unfinished one lives, and how often expired ones are swept. */
  resumableUploads: { expiryMs: number; sweepIntervalMs: number };
  /** The doctor (src/modules/maintenance): how often processing nodes sweep (null: never), and the age below which nothing is touched. */
  doctor: { intervalMs: number | null; graceMs: number };
  /** Private collections (contract §11): signing keys (the first signs, all verify; empty: one kept in the database), URL lifetime, and how files are handed out. */
  delivery: { signingKeys: string[]; signedUrlTtlSeconds: number; privateDelivery: 'stream' | 'redirect' };
  logLevel: string;
}

/** Public facts about this deployment that adapters report (config endpoint, URLs). */
export interface PublicSettings {
  cdnBaseUrl: string;
  maxUploadBytes: number;
  /** Where uploads are spooled while hashed (under DATA_DIR, not the system temp dir). */
  uploadDir: string;
  /** `STORAGE`: on `s3` a direct upload's bytes go straight to the bucket (contract §12). */
  storage: 'local' | 's3';
}

export function publicSettings(config: Config): PublicSettings {
  return { cdnBaseUrl: config.http.cdnBaseUrl, maxUploadBytes: config.limits.maxUploadBytes, uploadDir: resolve(config.dataDir, 'uploads'), storage: config.storage.driver };
}

export class ConfigError extends Error {}

const intIn = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, ''));
const bool = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90`, `90s`, `15m`, `1h`, `500ms`, `2d` (a bare number is seconds), in milliseconds. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  return m ? Number(m[1]) * DURATION_UNITS[m[2] ?? 's']! : null;
}

/** A duration in milliseconds, or null for `off` where `off` is allowed. */
const duration = (min: number, max: number, off = false) =>
  z.string().transform((text, ctx): number | null => {
    if (off && text.trim() === 'off') return null;
    const ms = parseDuration(text);
    if (ms === null || ms < min || ms > max) {
      ctx.addIssue({ code: 'custom', message: `must be a duration like 30s, 15m or 1h${off ? ', or off' : ''}, from ${min / 1000} s to ${max / 86_400_000} days` });
      return z.NEVER;
    }
    return ms;
  });

const planLimits = z.string().transform((text, ctx) => {
  const limits: Record<string, number> = { free: 500, pro: 5000, business: 25000 };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(free|pro|business)=(\d+)$/.exec(part);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not plan=number (plans: ${PLAN_NAMES.join(', ')})` });
      return z.NEVER;
    }
    limits[m[1]!] = Number(m[2]);
  }
  return limits as Record<PlanName, number>;
});

const schema = z.object({
  PORT: intIn(0, 65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  STORAGE: z.enum(['local', 's3'], { error: 'must be local or s3' }).default('local'),
  S3_ENDPOINT: url.optional(),
  S3_REGION: z.string().min(1).default('auto'),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ORIGINALS_BUCKET: z.string().min(1).optional(),
  S3_PRIVATE_BUCKET: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  PUBLIC_BASE_URL: url.optional(),
  CDN_BASE_URL: url.optional(),
  PLAN_LIMITS: planLimits.default({ free: 500, pro: 5000, business: 25000 }),
  MAX_UPLOAD_BYTES: intIn(1, 2 ** 40).default(52428800),
  MAX_INPUT_PIXELS: intIn(1, 2 ** 40).default(100000000),
  MAX_FRAMES: intIn(1, 100000).default(1000),
  JOB_TIMEOUT_MS: intIn(1000, 3600000).default(120000),
  CORS_ORIGINS: z.string().default(''),
  TRUST_PROXY: bool.default(false),
  PROCESSING: bool.default(true),
  WORKER_THREADS: intIn(1, 256).optional(),
  GRAPHQL_INTROSPECTION: bool.default(true),
  GRAPHQL_JIT: bool.default(true),
  GRAPHQL_MAX_DEPTH: intIn(1, 1000).default(15),
  GRAPHQL_MAX_ALIASES: intIn(0, 100000).default(30),
  GRAPHQL_MAX_TOKENS: intIn(1, 10000000).default(2000),
  GRAPHQL_MAX_DIRECTIVES: intIn(0, 100000).default(50),
  GRAPHQL_MAX_COST: intIn(1, 1000000000).default(10000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: intIn(1, 65535).optional(),
  PROCESSING_MEMORY_MB: intIn(64, 2 ** 24).optional(),
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  WEBHOOK_TIMEOUT_MS: intIn(100, 60000).default(10000),
  WEBHOOK_LOG_DAYS: intIn(1, 3650).default(30),
  WEBHOOK_LOG_PRUNE_SECONDS: intIn(1, 24 * 3600).default(3600),
  UPLOAD_EXPIRY_SECONDS: intIn(1, 30 * 24 * 3600).default(24 * 3600),
  UPLOAD_SWEEP_SECONDS: intIn(1, 24 * 3600).default(600),
  DOCTOR_INTERVAL: duration(1000, 30 * 86_400_000, true).default(3_600_000),
  DOCTOR_GRACE: duration(0, 30 * 86_400_000).default(3_600_000),
  URL_SIGNING_KEYS: z.string().optional(),
  SIGNED_URL_TTL: intIn(60, 7 * 24 * 3600).default(3600),
  PRIVATE_DELIVERY: z.enum(['stream', 'redirect'], { error: 'must be stream or redirect' }).default('stream'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Parses an environment (process.env by default) into a Config, or throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems.join('\n'));
  }
  const e = parsed.data;
  if (e.STORAGE === 's3') {
    for (const name of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!e[name]) problems.push(`${name}: required when STORAGE=s3`);
    }
  }
  if (e.PRIVATE_DELIVERY === 'redirect' && e.STORAGE !== 's3') problems.push('PRIVATE_DELIVERY: redirect needs STORAGE=s3 (local files are streamed by this server)');
  const signingKeys = (e.URL_SIGNING_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (signingKeys.some((k) => k.length < 32)) problems.push('URL_SIGNING_KEYS: each key must be at least 32 characters (e.g. openssl rand -hex 32)');
  const corsOrigins = e.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push(`CORS_ORIGINS: "${origin}" is not an origin like https://app.example.com`);
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));

  const dataDir = resolve(e.DATA_DIR);
  const threads = e.WORKER_THREADS ?? Math.max(1, cpus().length);
  const urlHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  const publicBaseUrl = e.PUBLIC_BASE_URL ?? `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${e.PORT}`;
  return {
    http: {
      host: e.HOST,
      port: e.PORT,
      publicBaseUrl,
      cdnBaseUrl: e.CDN_BASE_URL ?? `${publicBaseUrl}/cdn`,
      corsOrigins,
      secureCookies: publicBaseUrl.startsWith('https://'),
      trustProxy: e.TRUST_PROXY,
      derived: { publicBaseUrl: !e.PUBLIC_BASE_URL, cdnBaseUrl: !e.CDN_BASE_URL },
    },
    dataDir,
    database: { url: e.DATABASE_URL },
    storage:
      e.STORAGE === 's3'
        ? {
            driver: 's3',
            endpoint: e.S3_ENDPOINT,
            region: e.S3_REGION,
            bucket: e.S3_BUCKET!,
            originalsBucket: e.S3_ORIGINALS_BUCKET,
            privateBucket: e.S3_PRIVATE_BUCKET ?? e.S3_ORIGINALS_BUCKET,
            accessKeyId: e.S3_ACCESS_KEY_ID!,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
          }
        : { driver: 'local', rootDir: resolve(dataDir, 'storage') },
    plans: e.PLAN_LIMITS,
    limits: {
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      maxInputPixels: e.MAX_INPUT_PIXELS,
      maxFrames: e.MAX_FRAMES,
      maxJsonBytes: 1024 * 1024,
      jobTimeoutMs: e.JOB_TIMEOUT_MS,
    },
    processing: { enabled: e.PROCESSING, threads, memoryBudgetMb: e.PROCESSING_MEMORY_MB ?? defaultBudgetMib(threads, totalmem()) },
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION,
      jit: e.GRAPHQL_JIT,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxCost: e.GRAPHQL_MAX_COST,
    },
    metrics: { token: e.METRICS_TOKEN, workerPort: e.METRICS_PORT },
    webhooks: { allowPrivate: e.WEBHOOK_ALLOW_PRIVATE, timeoutMs: e.WEBHOOK_TIMEOUT_MS, logDays: e.WEBHOOK_LOG_DAYS, logPruneIntervalMs: e.WEBHOOK_LOG_PRUNE_SECONDS * 1000 },
    resumableUploads: { expiryMs: e.UPLOAD_EXPIRY_SECONDS * 1000, sweepIntervalMs: e.UPLOAD_SWEEP_SECONDS * 1000 },
    doctor: { intervalMs: e.DOCTOR_INTERVAL, graceMs: e.DOCTOR_GRACE! },
    delivery: { signingKeys, signedUrlTtlSeconds: e.SIGNED_URL_TTL, privateDelivery: e.PRIVATE_DELIVERY },
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * PROCESSING_MEMORY_MB's default: 256 MiB per worker thread — one typical camera photo (≤ 24 MP
 * opaque: 227 MiB measured, see modules/processing/pixel-budget.ts) per thread, so everyday uploads
 * keep every thread busy while larger ones lower the concurrency — but at most a quarter of the
 * machine's memory, and at least 256 MiB (one such photo at a time).
 */
export function defaultBudgetMib(threads: number, totalMemoryBytes: number): number {
  const perThread = 256;
  return Math.min(threads * perThread, Math.max(perThread, Math.floor(totalMemoryBytes / 4 / 2 ** 20)));
}

/** The process environment over the given defaults (a command's own defaults, e.g. quieter logs). */
export function loadConfigFromProcess(defaults: Record<string, string> = {}): Config {
  const config = loadConfig({ ...defaults, ...process.env });
  // Each pool thread keeps two sharp calls in flight on libuv's process-wide threadpool (4 threads
  // by default), which would cap a many-core machine at 4 busy cores. libuv reads this once, on
  // first use of the threadpool, which has not happened yet when the CLI loads its config.
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, 2 * config.processing.threads + 2));
  return config;
}

/** The config once the server listens: URLs derived from HOST:PORT use the address actually bound (PORT=0). */
export function withListenUrl(config: Config, url: string): Config {
  const publicBaseUrl = config.http.derived.publicBaseUrl ? url : config.http.publicBaseUrl;
  const cdnBaseUrl = config.http.derived.cdnBaseUrl ? `${publicBaseUrl}/cdn` : config.http.cdnBaseUrl;
  return { ...config, http: { ...config.http, publicBaseUrl, cdnBaseUrl } };
}
