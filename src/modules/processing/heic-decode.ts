/**
 * HEIC (HEIF with HEVC inside: phone photos) for the pipeline. sharp's prebuilt libvips reads their
 * header but has no HEVC decoder, so the pixels come from libheif compiled to WebAssembly
 * (libheif-js, installed from npm without build scripts), in the worker thread that runs the image.
 * The decoded picture is handed to the usual pipeline as an uncompressed PNG in memory carrying the
 * file's colour profile (ICC, or Display P3 for a P3 nclx box), so colour handling stays libvips'.
 * Runs inside the worker (erasable TS; node builtins, sharp, libheif-js and siblings only).
 */
import { createRequire } from 'node:module';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

interface HeifImage {
  get_width(): number;
  get_height(): number;
  has_alpha_channel(): boolean;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: { data: Uint8ClampedArray } | null) => void): void;
  free(): void;
}
interface HeifDecoder {
  decode(bytes: Uint8Array): HeifImage[];
}
interface Libheif {
  HeifDecoder: new () => HeifDecoder;
}

let libheif: Libheif | undefined;
/** Loaded on the first HEIC a thread sees (~0.3 s, ~2 MB of WebAssembly), then kept. */
function decoderModule(): Libheif {
  libheif ??= createRequire(import.meta.url)('libheif-js/wasm-bundle') as Libheif;
  return libheif;
}

/** nclx colour_primaries: 1 is BT.709 (sRGB's), 12 is SMPTE EG 432 (Display P3). */
const NCLX_P3 = 12;

/** The colour box of the primary item's properties, if any: an ICC profile, or the nclx primaries. */
export function heifColour(bytes: Uint8Array): { icc: Uint8Array } | { primaries: number } | null {
  // 'colr' boxes live in ipco; the first one is the primary image's in every phone file seen, and a
  // thumbnail shares its colour anyway
  const needle = [0x63, 0x6f, 0x6c, 0x72]; // colr
  const limit = Math.min(bytes.length - 12, 1 << 20);
  for (let i = 4; i < limit; i++) {
    if (bytes[i] !== needle[0] || bytes[i + 1] !== needle[1] || bytes[i + 2] !== needle[2] || bytes[i + 3] !== needle[3]) continue;
    const size = ((bytes[i - 4]! << 24) | (bytes[i - 3]! << 16) | (bytes[i - 2]! << 8) | bytes[i - 1]!) >>> 0;
    if (size < 12 || i - 4 + size > bytes.length) continue;
    const type = String.fromCharCode(...bytes.subarray(i + 4, i + 8));
    if (type === 'prof' || type === 'rICC') return { icc: bytes.subarray(i + 8, i - 4 + size) };
    if (type === 'nclx') return { primaries: (bytes[i + 8]! << 8) | bytes[i + 9]! };
  }
  return null;
}

let p3Profile: Promise<Buffer> | undefined;
/** libvips' own Display P3 profile, as bytes. */
function displayP3(): Promise<Buffer> {
  p3Profile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
    .withIccProfile('p3')
    .png()
    .toBuffer()
    .then(async (png) => (await sharp(png).metadata()).icc!);
  return p3Profile;
}

/** A PNG `iCCP` chunk inserted after IHDR (at byte 33): the profile travels with the pixels. */
function withIccChunk(png: Buffer, icc: Uint8Array): Buffer {
  const data = Buffer.concat([Buffer.from('ICC Profile\0\0', 'latin1'), deflateSync(icc)]);
  const type = Buffer.from('iCCP', 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, data])));
  return Buffer.concat([png.subarray(0, 33), length, type, data, crc, png.subarray(33)]);
}

/**
 * Decodes a HEIC file's primary image into an uncompressed PNG (in memory) with its colour profile.
 * Throws on a file libheif cannot decode; the caller marks that as the input's fault.
 */
export async function decodeHeic(bytes: Uint8Array): Promise<Buffer> {
  const images = new (decoderModule().HeifDecoder)().decode(bytes);
  const image = images[0];
  if (!image) throw new Error('no image inside the HEIF file');
  try {
    const width = image.get_width();
    const height = image.get_height();
    const rgba = await new Promise<Uint8ClampedArray>((resolve, reject) =>
      image.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, (result) => (result ? resolve(result.data) : reject(new Error('HEVC decoding failed')))),
    );
    const pixels = sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } });
    const png = await (image.has_alpha_channel() ? pixels : pixels.removeAlpha()).png({ compressionLevel: 0, adaptiveFiltering: false }).toBuffer();
    const colour = heifColour(bytes);
    if (colour && 'icc' in colour) return withIccChunk(png, colour.icc);
    if (colour && colour.primaries === NCLX_P3) return withIccChunk(png, await displayP3());
    return png;
  } finally {
    for (const i of images) i.free();
  }
}
