/**
 * deploy/compose.yaml runs the production shape safely (it cannot be run here: no registry for the
 * postgres and minio images). Checked as far as it can be without them: it parses; every secret
 * comes from deploy/.env (deploy/.env.example lists each variable it reads); originals and private
 * files go to a bucket that no anonymous policy names; the public bucket's policy allows anonymous
 * GetObject on its objects and nothing else (no listing, no writes); the app's own MinIO user reaches
 * the two buckets only; the services build this repository's Dockerfile; and the service's own config
 * loader accepts the environment the services get.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/config.ts';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
}
interface Statement {
  Effect: string;
  Principal?: { AWS: string[] };
  Action: string[];
  Resource: string[];
}

const composeText = readFileSync('deploy/compose.yaml', 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const envExample = Object.fromEntries(
  readFileSync('deploy/.env.example', 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z0-9_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const publicRead = JSON.parse(readFileSync('deploy/minio/public-read.json', 'utf8')) as { Statement: Statement[] };
const appPolicy = JSON.parse(readFileSync('deploy/minio/app-policy.json', 'utf8')) as { Statement: Statement[] };
const api = compose.services.api!;
const worker = compose.services.worker!;
const publicBucket = api.environment!.S3_BUCKET!;
const privateBucket = api.environment!.S3_ORIGINALS_BUCKET!;
const bucketScript = String(compose.services.bucket!.command);

/** Compose's interpolation of ${VAR}, ${VAR:-default} and ${VAR:?message} from an env file ($$ is a literal $). */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (!name) return '$';
    const v = env[name];
    if (v) return v;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

describe('deploy/compose.yaml', () => {
  it('reads every variable from deploy/.env, which .env.example lists; no secret is written in the file', () => {
    const used = new Set([...composeText.matchAll(/(?<!\$)\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!));
    expect([...used].filter((name) => !(name in envExample))).toEqual([]);
    for (const name of ['POSTGRES_PASSWORD', 'MINIO_ROOT_PASSWORD', 'S3_SECRET_ACCESS_KEY']) {
      expect(envExample[name], `${name} is left for the operator to fill in`).toBe('');
      expect(composeText).toContain(`\${${name}:?`);
    }
    // a single $ in a shell command would be interpolated by compose at parse time, not by the shell
    expect(bucketScript.match(/(?<!\$)\$(?!\$)/g) ?? []).toEqual([]);
    // without the secrets compose refuses to start
    expect(() => interpolate(composeText, {})).toThrow(/POSTGRES_PASSWORD|MINIO_ROOT|S3_/);
  });

  it('keeps originals and private files in a bucket no anonymous policy names; the public one allows GetObject only', () => {
    expect(privateBucket).not.toBe(publicBucket);
    for (const service of [api, worker]) {
      expect(service.environment!.S3_BUCKET).toBe(publicBucket);
      expect(service.environment!.S3_ORIGINALS_BUCKET).toBe(privateBucket);
      expect(service.environment!.S3_PRIVATE_BUCKET).toBe(privateBucket);
    }
    expect(publicRead.Statement).toHaveLength(1);
    const [grant] = publicRead.Statement;
    expect(grant).toEqual({ Sid: 'PublicVariantsReadOnly', Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${publicBucket}/*`] });
    expect(JSON.stringify(publicRead)).not.toContain(privateBucket);
    expect(bucketScript).toContain(`mc anonymous set-json /policies/public-read.json local/${publicBucket}`);
    expect(bucketScript).toContain(`mc anonymous set none local/${privateBucket}`);
    expect(bucketScript).not.toMatch(/anonymous set (download|public|upload)/);
    expect(compose.services.bucket!.volumes).toContain('./minio:/policies:ro');
  });

  it("gives the app its own MinIO user on the two buckets only, never MinIO's administrator", () => {
    const resources = appPolicy.Statement.flatMap((s) => s.Resource);
    expect(new Set(resources)).toEqual(new Set([`arn:aws:s3:::${publicBucket}`, `arn:aws:s3:::${privateBucket}`, `arn:aws:s3:::${publicBucket}/*`, `arn:aws:s3:::${privateBucket}/*`]));
    expect(appPolicy.Statement.every((s) => s.Effect === 'Allow' && s.Action.every((a) => a.startsWith('s3:') && !a.includes('*') && !a.includes('Policy')))).toBe(true);
    expect(api.environment!.S3_ACCESS_KEY_ID).toBe('${S3_ACCESS_KEY_ID:?set S3_ACCESS_KEY_ID in deploy/.env}');
    expect(envExample.S3_ACCESS_KEY_ID).not.toBe(envExample.MINIO_ROOT_USER);
    expect(bucketScript).toContain('mc admin user add local "$$S3_ACCESS_KEY_ID" "$$S3_SECRET_ACCESS_KEY"');
  });

  it("builds this repository's Dockerfile; an API without jobs on :3000 and workers that scale", () => {
    for (const service of [api, worker]) {
      expect(service.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
      expect(service.image).toBe('optimage:latest');
    }
    expect(api.environment!.PROCESSING).toBe('off');
    expect(api.ports).toEqual(['3000:3000']);
    expect(worker.command).toEqual(['node', 'dist/src/main.js', 'worker']);
    expect(worker.ports).toBeUndefined(); // so --scale worker=N never clashes on a host port
    expect(readFileSync('Dockerfile', 'utf8')).toMatch(/^CMD \["node", "dist\/src\/main\.js", "serve"\]$/m);
  });

  it("hands the services an environment the service's own config loader accepts: S3 with a separate originals bucket", () => {
    const env = { ...envExample, POSTGRES_PASSWORD: 'pg-secret', MINIO_ROOT_PASSWORD: 'admin-secret', S3_SECRET_ACCESS_KEY: 'app-secret' };
    for (const service of [api, worker]) {
      const resolved = Object.fromEntries(Object.entries(service.environment!).map(([k, v]) => [k, interpolate(String(v), env)]));
      const config = loadConfig(resolved);
      expect(config.storage).toMatchObject({ driver: 's3', bucket: publicBucket, originalsBucket: privateBucket, secretAccessKey: 'app-secret' });
      expect(resolved.DATABASE_URL).toBe('postgres://optimage:pg-secret@postgres:5432/optimage');
    }
  });
});
