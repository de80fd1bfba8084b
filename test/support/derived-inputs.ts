/**
 * The shapes real uploads come in, derived from real photos (realPhotos): colour profiles (CMYK,
 * Display P3, Adobe RGB), bit depths, EXIF orientations, GPS and camera tags, greyscale, palette and
 * interlaced PNG, progressive JPEG, TIFF, AVIF and HEIC (made with heif-enc, Debian libheif-examples).
 * Each comes with the upright sRGB picture it shows, to compare what the service publishes against.
 * Made before the app under test starts (it restricts libvips' loaders process-wide).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp, { type Sharp } from 'sharp';
import { realPhotos } from './real-photos.ts';

const run = promisify(execFile);

/** Adobe RGB (1998)-compatible, from Debian's libgs-common. */
export const ADOBE_RGB_ICC = '/usr/share/color/icc/ghostscript/a98.icc';

export interface DerivedInput {
  shape: string;
  bytes: Buffer;
  filename: string;
  /** The picture as it should look, upright, in sRGB (an 8-bit RGB PNG). */
  reference: Buffer;
  width: number;
  height: number;
  /** A wide-gamut source: a `wide` collection keeps it as Display P3. */
  wide: boolean;
}

async function base(name: string, width: number): Promise<{ png: Buffer; width: number; height: number }> {
  const photo = realPhotos().find((p) => p.name === name)!;
  const { data, info } = await sharp(photo.path).resize(width).toColourspace('srgb').png().toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height };
}

/**
 * Stored pixels that EXIF orientation `n` turns back into the upright picture. Each step is its own
 * sharp call: within one, sharp applies flip/flop before rotate whatever the call order.
 */
async function storedFor(n: number, png: Buffer): Promise<Buffer> {
  const step = (bytes: Buffer, op: (s: Sharp) => Sharp) => op(sharp(bytes)).png().toBuffer();
  switch (n) {
    case 2: return step(png, (s) => s.flop());
    case 3: return step(png, (s) => s.rotate(180));
    case 4: return step(png, (s) => s.flip());
    case 5: return step(await step(png, (s) => s.rotate(90)), (s) => s.flop()); // transpose
    case 6: return step(png, (s) => s.rotate(270));
    case 7: return step(await step(png, (s) => s.rotate(90)), (s) => s.flip()); // transverse
    case 8: return step(png, (s) => s.rotate(90));
    default: return png;
  }
}

/** Every shape; `heic` true also makes the HEIC ones (heif-enc takes a few seconds). */
export async function deriveInputs(): Promise<DerivedInput[]> {
  const dir = await mkdtemp(join(tmpdir(), 'optimage-derived-'));
  try {
    // a saturated red bowl (colour), dogs in a doorway (portrait, for orientations), a bird on bark
    const bowl = await base('Picture_0B_by_freespace.jpg', 1600);
    const dogs = await base('friends_by_Aitzol_Berasategi.jpg', 900);
    const bird = await base('Kleiber_by_Lukas_Baubkus.jpg', 1800);
    const from = (b: typeof bowl) => sharp(b.png);
    const inputs: DerivedInput[] = [];
    const add = (shape: string, b: typeof bowl, bytes: Buffer, ext: string, extra: Partial<DerivedInput> = {}) =>
      inputs.push({ shape, bytes, filename: `${shape.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.${ext}`, reference: b.png, width: b.width, height: b.height, wide: false, ...extra });

    add('sRGB JPEG', bowl, await from(bowl).jpeg({ quality: 92 }).toBuffer(), 'jpg');
    add('progressive JPEG', bird, await from(bird).jpeg({ quality: 90, progressive: true }).toBuffer(), 'jpg');
    // the red bowl is partly outside CMYK's gamut: the reference is the CMYK file rendered to sRGB
    // with its embedded profile, not the picture it came from. (Colour engines disagree on such
    // colours: ImageMagick's rendering is ~5 ΔE from libvips' here, by black-point compensation.)
    const cmyk = await from(bowl).withIccProfile('cmyk').jpeg({ quality: 95 }).toBuffer();
    add('CMYK JPEG + profile', { ...bowl, png: await sharp(cmyk).toColourspace('srgb').png().toBuffer() }, cmyk, 'jpg');
    add('Display P3 JPEG', bowl, await from(bowl).withIccProfile('p3').jpeg({ quality: 95 }).toBuffer(), 'jpg', { wide: true });
    add('Adobe RGB JPEG', bowl, await from(bowl).withIccProfile(ADOBE_RGB_ICC).jpeg({ quality: 95 }).toBuffer(), 'jpg', { wide: true });
    add('16-bit PNG', bird, await from(bird).toColourspace('rgb16').png().toBuffer(), 'png');
    add('16-bit Display P3 PNG', bowl, await from(bowl).toColourspace('rgb16').withIccProfile('p3').png().toBuffer(), 'png', { wide: true });
    const grey = await from(bird).greyscale().png().toBuffer();
    add('greyscale JPEG', { ...bird, png: await sharp(grey).toColourspace('srgb').png().toBuffer() }, await sharp(grey).jpeg({ quality: 92 }).toBuffer(), 'jpg');
    add('palette PNG', bowl, await from(bowl).png({ palette: true, colours: 256, dither: 0.5 }).toBuffer(), 'png');
    add('interlaced PNG', dogs, await from(dogs).png({ progressive: true }).toBuffer(), 'png');
    add('TIFF (LZW)', dogs, await from(dogs).tiff({ compression: 'lzw' }).toBuffer(), 'tif');
    add('AVIF', bowl, await from(bowl).avif({ quality: 80 }).toBuffer(), 'avif');
    for (let n = 2; n <= 8; n++) {
      const stored = await storedFor(n, dogs.png);
      add(`EXIF orientation ${n}`, dogs, await sharp(stored).withMetadata({ orientation: n }).jpeg({ quality: 92 }).toBuffer(), 'jpg');
    }
    const tagged = join(dir, 'gps.jpg');
    await writeFile(tagged, await from(bird).jpeg({ quality: 92 }).toBuffer());
    await run('exiftool', ['-q', '-overwrite_original', '-GPSLatitude=48.8584', '-GPSLatitudeRef=N', '-GPSLongitude=2.2945', '-GPSLongitudeRef=E', '-Make=Apple', '-Model=iPhone 15 Pro',
      '-SerialNumber=F2LXK1234567', '-LensModel=iPhone 15 Pro back camera', '-Software=17.4.1', '-DateTimeOriginal=2024:05:01 10:00:00', '-Copyright=© 2024 Jane Doe', '-Artist=Jane Doe', tagged]);
    add('GPS + camera EXIF', bird, await readFile(tagged), 'jpg');

    // HEIC (HEVC), plain and Display P3, as phones make them: heif-enc from a PNG (its ICC goes into a colr box)
    // (smaller: heif-enc takes seconds per megapixel)
    const small = await base('Picture_0B_by_freespace.jpg', 1000);
    for (const [shape, png, wide] of [['HEIC (HEVC)', await from(small).png().toBuffer(), false], ['HEIC Display P3', await from(small).withIccProfile('p3').png().toBuffer(), true]] as const) {
      const source = join(dir, 'heic-source.png');
      const out = join(dir, 'out.heic');
      await writeFile(source, png);
      await run('heif-enc', ['-q', '90', '-o', out, source]);
      add(shape, small, await readFile(out), 'heic', { wide });
    }
    return inputs;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** sRGB (8-bit) → CIE Lab (D65). */
function lab(r: number, g: number, b: number): [number, number, number] {
  const lin = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const x = f((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const y = f(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const z = f((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/**
 * Mean and 95th-percentile CIE76 ΔE between two pictures of the same shape, both rendered to sRGB
 * (embedded profiles converted) and downscaled to 96 px wide: colour, not compression detail.
 */
export async function deltaE(a: Buffer, b: Buffer): Promise<{ mean: number; p95: number }> {
  const small = async (bytes: Buffer) => {
    const image = sharp(bytes).resize(96, 64, { fit: 'fill' }).toColourspace('srgb').removeAlpha();
    return (await image.raw().toBuffer({ resolveWithObject: true })).data;
  };
  const [x, y] = await Promise.all([small(a), small(b)]);
  const deltas: number[] = [];
  for (let i = 0; i < x.length; i += 3) {
    const [l1, a1, b1] = lab(x[i]!, x[i + 1]!, x[i + 2]!);
    const [l2, a2, b2] = lab(y[i]!, y[i + 1]!, y[i + 2]!);
    deltas.push(Math.hypot(l1 - l2, a1 - a2, b1 - b2));
  }
  deltas.sort((p, q) => p - q);
  return { mean: deltas.reduce((s, d) => s + d, 0) / deltas.length, p95: deltas[Math.floor(deltas.length * 0.95)]! };
}
