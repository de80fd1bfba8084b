/**
 * The placeholder of an image, from pixels the pipeline has already decoded (oriented, sRGB): one
 * downscale to at most 100×100 RGBA feeds all three parts. Runs in the worker thread beside the
 * encodes (erasable TS; imports sharp, thumbhash and siblings only).
 */
import sharp, { type Raw, type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { MAX_DATA_URL_BYTES, type Placeholder } from '../images/placeholder.ts';

/** ThumbHash takes at most 100×100 pixels. */
const THUMB_SIDE = 100;
/**
 * Preview sizes tried in turn until the data URL fits: 32 px is enough for a blur that reads as the
 * photo (a page scales it up), and a photo-like 32×24 WebP is ~300–500 bytes; the smaller ones are
 * for the rare image whose preview does not compress (noise, sharp alpha edges).
 */
const PREVIEW_SIDES = [32, 24, 16, 8];
/** Low quality is invisible once blurred; the blur also lets WebP spend almost nothing on detail. */
const PREVIEW_QUALITY = 40;
const PREVIEW_BLUR_SIGMA = 1;

/** `image` is the decoded picture (raw pixels or a loader); it is downscaled once, here. */
export async function makePlaceholder(image: Sharp): Promise<Placeholder> {
  const { data, info } = await image
    .resize(THUMB_SIDE, THUMB_SIDE, { fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const raw: Raw = { width: info.width, height: info.height, channels: 4 };
  return {
    thumbhash: Buffer.from(rgbaToThumbHash(raw.width, raw.height, data)).toString('base64'),
    color: averageColour(data),
    dataUrl: await previewDataUrl(data, raw),
  };
}

/** Mean of the visible pixels, each weighted by its alpha (transparent areas have no colour to show). */
function averageColour(rgba: Uint8Array): string {
  const sum = [0, 0, 0];
  let weight = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    for (let c = 0; c < 3; c++) sum[c]! += rgba[i + c]! * a;
    weight += a;
  }
  if (weight === 0) return '#000000'; // fully transparent: nothing to paint
  return `#${sum.map((s) => Math.round(s / weight).toString(16).padStart(2, '0')).join('')}`;
}

async function previewDataUrl(rgba: Buffer, raw: Raw): Promise<string> {
  for (const side of PREVIEW_SIDES) {
    const bytes = await sharp(rgba, { raw })
      .resize(side, side, { fit: 'inside', withoutEnlargement: true })
      .blur(PREVIEW_BLUR_SIGMA)
      .webp({ quality: PREVIEW_QUALITY, alphaQuality: PREVIEW_QUALITY, effort: 6 })
      .toBuffer();
    const url = `data:image/webp;base64,${bytes.toString('base64')}`;
    if (url.length <= MAX_DATA_URL_BYTES) return url;
  }
  throw new Error(`the placeholder preview did not fit in ${MAX_DATA_URL_BYTES} bytes`);
}
