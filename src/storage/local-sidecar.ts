/**
 * The local driver's sidecars: `.<name>.meta.json` beside each object, holding what a filesystem
 * does not (content type, cache control, the ETag of the bytes written), tied to its data file by
 * inode so a sidecar left by an older write is recognised as stale.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A sidecar's file name; the capture is the name of the object it describes. */
export const SIDECAR_NAME = /^\.(.+)\.meta\.json$/;

export interface Sidecar {
  etag: string;
  contentType: string;
  cacheControl?: string;
  size: number;
  /** Inode of the data file this sidecar describes; a mismatch means the sidecar is stale. */
  ino: string;
}

export function sidecarPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.meta.json`);
}

export async function readSidecar(path: string): Promise<Sidecar | null> {
  try {
    const parsed = JSON.parse(await readFile(sidecarPath(path), 'utf8')) as Partial<Sidecar>;
    const valid = typeof parsed.etag === 'string' && typeof parsed.contentType === 'string' && typeof parsed.ino === 'string' && typeof parsed.size === 'number';
    return valid ? (parsed as Sidecar) : null;
  } catch {
    return null; // missing or torn by a crash: treated like a stale sidecar
  }
}

export function cacheControlOf(sidecar: Sidecar | null): { cacheControl?: string } {
  return sidecar?.cacheControl !== undefined ? { cacheControl: sidecar.cacheControl } : {};
}
