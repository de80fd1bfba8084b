/**
 * Decoding what the service serves. The app under test runs in this process and restricts
 * libvips' loaders to the upload formats (src/modules/processing/loaders.ts), so AVIF is decoded in
 * a child process with an unrestricted sharp: a full pixel decode, not only a header read.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const SCRIPT = `
import sharp from 'sharp';
const out = [];
for (const path of process.argv.slice(1)) {
  const { info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const meta = await sharp(path).metadata();
  out.push({ format: meta.format, compression: meta.compression ?? null, width: info.width, height: info.height });
}
console.log(JSON.stringify(out));
`;

export interface Decoded {
  /** sharp's name: `heif` (compression `av1`) for AVIF, `webp` for WebP. */
  format: string;
  compression: string | null;
  width: number;
  height: number;
}

/** Decodes every file fully in a fresh Node process and reports what each one is. */
export async function decodeElsewhere(files: Uint8Array[]): Promise<Decoded[]> {
  const dir = await mkdtemp(join(tmpdir(), 'optimage-decode-'));
  try {
    const paths = await Promise.all(files.map(async (bytes, i) => {
      const path = join(dir, `${i}.bin`);
      await writeFile(path, bytes);
      return path;
    }));
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT, ...paths], { cwd: process.cwd(), maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as Decoded[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
