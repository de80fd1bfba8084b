/**
 * s3rver as a process of its own for the benchmarks, so its CPU is measured apart from the rest:
 * prints one line of JSON (endpoint, bucket) once it listens, and stops on SIGTERM.
 */
import { startS3 } from '../test/support/s3.ts';

const s3 = await startS3({ bucket: 'optimage-bench' });
process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint, bucket: s3.bucket })}\n`);
process.once('SIGTERM', () => void s3.close().then(() => process.exit(0)));
