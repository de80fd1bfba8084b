/**
 * The only EXIF a collection with `metadata: "copyright"` publishes: IFD0's Copyright (0x8298) and
 * Artist (0x013B), read from the original's EXIF block (as sharp hands it out: "Exif\0\0" then a
 * TIFF structure). Pure; nothing else of the block is looked at, so GPS, camera and serial tags
 * cannot come along.
 */

export interface CopyrightTags {
  Copyright?: string;
  Artist?: string;
}

const TAGS: Record<number, keyof CopyrightTags> = { 0x8298: 'Copyright', 0x013b: 'Artist' };
const ASCII = 2;
/** Longest value kept (a copyright line, not a document). */
const MAX_LENGTH = 1000;

export function readCopyright(exif: Uint8Array | undefined): CopyrightTags {
  const found: CopyrightTags = {};
  if (!exif || exif.length < 14) return found;
  const start = String.fromCharCode(...exif.subarray(0, 4)) === 'Exif' ? 6 : 0;
  const view = new DataView(exif.buffer, exif.byteOffset + start, exif.byteLength - start);
  if (view.byteLength < 8) return found;
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return found;
  const little = order === 0x4949;
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  const ifd = u32(4);
  if (ifd + 2 > view.byteLength) return found;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + 12 * i;
    if (at + 12 > view.byteLength) break;
    const name = TAGS[u16(at)];
    if (!name || u16(at + 2) !== ASCII) continue;
    const count = u32(at + 4);
    const offset = count <= 4 ? at + 8 : u32(at + 8);
    if (count === 0 || offset + count > view.byteLength) continue;
    const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, Math.min(count, MAX_LENGTH));
    // the Copyright tag may hold "photographer\0editor": both parts kept, joined
    const text = decodeText(bytes).split('\0').filter(Boolean).join(' / ').trim();
    if (text) found[name] = text;
  }
  return found;
}

/** EXIF says ASCII, but phones and tools write UTF-8 ("©"): UTF-8 when it is valid, else Latin-1. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}
