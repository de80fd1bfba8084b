/**
 * A second real S3 endpoint for tests: moto's S3 server (Python, pre-installed on this kind of
 * machine, see README "Tests") on a free loopback port. s3rver cannot serve resumable uploads:
 * @tus/s3-store reads an upload's offset with ListParts and removes it with AbortMultipartUpload,
 * and s3rver answers both `405 MethodNotAllowed` (and ListMultipartUploads `501 NotImplemented`).
 * moto implements the whole multipart API, with S3's 5 MiB minimum part size. It keeps everything
 * in memory; credentials are not checked. Same shape as `startS3`, so `s3AppEnv` takes it.
 */
import { spawn } from 'node:child_process';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { TestS3 } from './s3.ts';

const PYTHON = process.env.MOTO_PYTHON ?? 'python3';

/** Starts `python3 -m moto.server` on 127.0.0.1 (port 0) with `bucket` created. */
export async function startMotoS3(options: { bucket?: string } = {}): Promise<TestS3> {
  const bucket = options.bucket ?? 'optimage-tus';
  const child = spawn(PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const running = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (running) resolve(Number(running[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) => reject(new Error(`could not start moto's S3 server with ${PYTHON}: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`moto's S3 server exited (${code}) before listening (is moto installed for ${PYTHON}?):\n${output}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'moto', secretAccessKey: 'moto' };
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    endpoint,
    region: 'us-east-1',
    bucket,
    buckets: [],
    ...credentials,
    storeOptions: (overrides = {}) => ({
      endpoint: overrides.endpoint ?? endpoint,
      region: 'us-east-1',
      bucket: overrides.bucket ?? bucket,
      originalsBucket: overrides.originalsBucket,
      ...credentials,
      forcePathStyle: true,
    }),
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
