import { describe, expect, it } from 'vitest';
import { totalmem } from 'node:os';
import { ConfigError, defaultBudgetMib, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const c = loadConfig({});
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 3000, publicBaseUrl: 'http://127.0.0.1:3000', cdnBaseUrl: 'http://127.0.0.1:3000/cdn', corsOrigins: [], secureCookies: false });
    expect(c.database.url).toBeUndefined();
    expect(c.storage.driver).toBe('local');
    expect(c.plans).toEqual({ free: 500, pro: 5000, business: 25000 });
    expect(c.limits).toMatchObject({ maxUploadBytes: 52428800, maxInputPixels: 100000000 });
    expect(c.processing.enabled).toBe(true);
    expect(c.processing.threads).toBeGreaterThanOrEqual(1);
  });

  it('derives the CDN URL and Secure cookies from PUBLIC_BASE_URL', () => {
    const c = loadConfig({ PUBLIC_BASE_URL: 'https://img.example.com/' });
    expect(c.http.cdnBaseUrl).toBe('https://img.example.com/cdn');
    expect(c.http.secureCookies).toBe(true);
    expect(loadConfig({ CDN_BASE_URL: 'https://cdn.example.com' }).http.cdnBaseUrl).toBe('https://cdn.example.com');
  });

  it('parses plan limits, CORS origins and S3 settings', () => {
    const c = loadConfig({
      PLAN_LIMITS: 'free=5, business=7',
      CORS_ORIGINS: 'https://a.example.com, http://localhost:5173',
      STORAGE: 's3',
      S3_BUCKET: 'images',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      PROCESSING: 'off',
    });
    expect(c.plans).toEqual({ free: 5, pro: 5000, business: 7 });
    expect(c.http.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(c.storage).toMatchObject({ driver: 's3', bucket: 'images', forcePathStyle: true, endpoint: 'http://127.0.0.1:9000' });
    expect(c.processing.enabled).toBe(false);
  });

  it('reports every bad variable at once, each line naming it', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PLAN_LIMITS: 'gold=1', MAX_UPLOAD_BYTES: '-1', PROCESSING: 'maybe' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as Error).message.split('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'PLAN_LIMITS', 'MAX_UPLOAD_BYTES', 'PROCESSING']) {
      expect(lines.some((l) => l.startsWith(`${name}:`)), name).toBe(true);
    }
  });

  it('reads the GraphQL limits and the introspection and jit switches, refusing bad values by name', () => {
    expect(loadConfig({}).graphql.jit).toBe(true);
    const c = loadConfig({ GRAPHQL_INTROSPECTION: 'off', GRAPHQL_JIT: 'off', GRAPHQL_MAX_DEPTH: '10', GRAPHQL_MAX_ALIASES: '0', GRAPHQL_MAX_TOKENS: '5000', GRAPHQL_MAX_DIRECTIVES: '5', GRAPHQL_MAX_COST: '20000' });
    expect(c.graphql).toEqual({ introspection: false, jit: false, maxDepth: 10, maxAliases: 0, maxTokens: 5000, maxDirectives: 5, maxCost: 20000 });
    expect(() => loadConfig({ GRAPHQL_MAX_DEPTH: 'deep' })).toThrow(/^GRAPHQL_MAX_DEPTH:/);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'sometimes' })).toThrow(/^GRAPHQL_INTROSPECTION:/);
    expect(() => loadConfig({ GRAPHQL_JIT: 'fast' })).toThrow(/^GRAPHQL_JIT:/);
  });

  it('requires the S3 settings when STORAGE=s3 and valid CORS origins', () => {
    expect(() => loadConfig({ STORAGE: 's3' })).toThrow(/S3_BUCKET: required when STORAGE=s3/);
    expect(() => loadConfig({ STORAGE: 'ftp' })).toThrow(/^STORAGE:/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://ok.example.com,not a url' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('PROCESSING_MEMORY_MB', () => {
  it('defaults to 256 MiB per thread, at most a quarter of the memory, at least 256 MiB', () => {
    const MIB = 2 ** 20;
    expect(defaultBudgetMib(2, 24 * 1024 * MIB)).toBe(512);
    expect(defaultBudgetMib(8, 4 * 1024 * MIB)).toBe(1024);
    expect(defaultBudgetMib(2, 512 * MIB)).toBe(256);
    expect(loadConfig({ WORKER_THREADS: '3' }).processing.memoryBudgetMb).toBe(defaultBudgetMib(3, totalmem()));
  });

  it('takes an explicit value and refuses nonsense with a line naming it', () => {
    expect(loadConfig({ PROCESSING_MEMORY_MB: '700' }).processing.memoryBudgetMb).toBe(700);
    expect(() => loadConfig({ PROCESSING_MEMORY_MB: 'lots' })).toThrow(/^PROCESSING_MEMORY_MB: must be a whole number/m);
    expect(() => loadConfig({ PROCESSING_MEMORY_MB: '10' })).toThrow(/PROCESSING_MEMORY_MB: /);
  });
});

describe('DOCTOR_INTERVAL and DOCTOR_GRACE', () => {
  it('default to an hour each; take durations with units (a bare number is seconds) and off', () => {
    expect(loadConfig({}).doctor).toEqual({ intervalMs: 3_600_000, graceMs: 3_600_000 });
    expect(loadConfig({ DOCTOR_INTERVAL: '15m', DOCTOR_GRACE: '90' }).doctor).toEqual({ intervalMs: 900_000, graceMs: 90_000 });
    expect(loadConfig({ DOCTOR_INTERVAL: 'off', DOCTOR_GRACE: '0' }).doctor).toEqual({ intervalMs: null, graceMs: 0 });
    expect(loadConfig({ DOCTOR_INTERVAL: '2d', DOCTOR_GRACE: '500ms' }).doctor).toEqual({ intervalMs: 172_800_000, graceMs: 500 });
  });

  it('refuse nonsense and intervals under a second, each with a line naming it', () => {
    expect(() => loadConfig({ DOCTOR_INTERVAL: 'hourly' })).toThrow(/^DOCTOR_INTERVAL: must be a duration like 30s, 15m or 1h, or off/m);
    expect(() => loadConfig({ DOCTOR_INTERVAL: '10ms' })).toThrow(/^DOCTOR_INTERVAL: /m);
    expect(() => loadConfig({ DOCTOR_GRACE: '-1h' })).toThrow(/^DOCTOR_GRACE: must be a duration/m);
  });
});

describe('private delivery settings', () => {
  const s3 = { STORAGE: 's3', S3_BUCKET: 'images', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' };

  it('default to a key kept in the database, an hour, streaming; the private bucket falls back to the originals bucket', () => {
    expect(loadConfig({}).delivery).toEqual({ signingKeys: [], signedUrlTtlSeconds: 3600, privateDelivery: 'stream' });
    expect(loadConfig({ ...s3, S3_ORIGINALS_BUCKET: 'originals' }).storage).toMatchObject({ privateBucket: 'originals' });
    expect(loadConfig({ ...s3, S3_ORIGINALS_BUCKET: 'originals', S3_PRIVATE_BUCKET: 'secret' }).storage).toMatchObject({ privateBucket: 'secret' });
    expect(loadConfig(s3).storage).toMatchObject({ privateBucket: undefined });
  });

  it('take a list of keys, a TTL and redirect mode on S3', () => {
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(40);
    const c = loadConfig({ ...s3, URL_SIGNING_KEYS: ` ${a}, ${b} `, SIGNED_URL_TTL: '600', PRIVATE_DELIVERY: 'redirect' });
    expect(c.delivery).toEqual({ signingKeys: [a, b], signedUrlTtlSeconds: 600, privateDelivery: 'redirect' });
  });

  it('refuse short keys, redirect without S3 and bad TTLs, each with a line naming it', () => {
    expect(() => loadConfig({ URL_SIGNING_KEYS: 'short' })).toThrow(/^URL_SIGNING_KEYS: /m);
    expect(() => loadConfig({ PRIVATE_DELIVERY: 'redirect' })).toThrow(/^PRIVATE_DELIVERY: redirect needs STORAGE=s3/m);
    expect(() => loadConfig({ PRIVATE_DELIVERY: 'proxy' })).toThrow(/^PRIVATE_DELIVERY: /m);
    expect(() => loadConfig({ SIGNED_URL_TTL: '5' })).toThrow(/^SIGNED_URL_TTL: /m);
  });
});
