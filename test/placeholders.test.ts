/** Placeholders (contract §7): ThumbHash, dominant colour and a tiny blurred preview, for every kind of source. */
import sharp from 'sharp';
import { thumbHashToAverageRGBA, thumbHashToRGBA } from 'thumbhash';
import { describe, expect } from 'vitest';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { alphaPng, animatedGif } from './support/images.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const test = appTest();

type Rgb = [number, number, number];
interface Placeholder {
  thumbhash: string;
  color: string;
  dataUrl: string;
}

/** The mean colour of the visible pixels of the (first frame of the) image, each weighted by its alpha. */
async function meanColour(bytes: Buffer): Promise<Rgb> {
  const { data } = await sharp(bytes, { pages: 1 }).autoOrient().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  let weight = 0;
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) sum[c]! += data[i + c]! * data[i + 3]!;
    weight += data[i + 3]!;
  }
  return sum.map((s) => s / weight) as Rgb;
}

const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const hex = (color: string): Rgb => [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) as Rgb;

const sources = {
  'JPEG photo': () => cameraPhoto({ width: 1600, height: 1200, seed: 5 }),
  'PNG with alpha': () => alphaPng(900, 600),
  'animated GIF (first frame)': () => animatedGif(3, 480, 270),
};

describe('placeholders', () => {
  test.for(Object.entries(sources))('%s: a ready image carries a valid placeholder over REST and GraphQL', async ([, make], { alice, collection }) => {
    const bytes = await make();
    const up = await restUpload(alice, bytes, { collection });
    expect(up.status).toBe(201);
    expect(up.body.placeholder).toBeUndefined(); // nothing to paint while processing
    const image = (await waitForImage(alice, up.body.id)) as { status: string; width: number; height: number; placeholder: Placeholder };
    expect(image.status).toBe('ready');
    const { thumbhash, color, dataUrl } = image.placeholder;
    const mean = await meanColour(bytes);

    // the dominant colour is the mean of the visible pixels, to rounding
    expect(color).toMatch(/^#[0-9a-f]{6}$/);
    expect(distance(hex(color), mean)).toBeLessThan(4);

    // the ThumbHash decodes with the thumbhash package, to roughly the same colour
    const hash = Buffer.from(thumbhash, 'base64');
    const average = thumbHashToAverageRGBA(hash);
    expect(distance([average.r * 255, average.g * 255, average.b * 255], mean)).toBeLessThan(20);
    const rendered = thumbHashToRGBA(hash);
    expect(rendered.w * rendered.h * 4).toBe(rendered.rgba.length);

    // the preview is a WebP of at most 1,000 bytes as a data URL, in the image's proportions
    expect(dataUrl.length).toBeLessThanOrEqual(1000);
    const [, base64] = /^data:image\/webp;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl)!;
    const preview = await sharp(Buffer.from(base64!, 'base64')).metadata();
    expect(preview.format).toBe('webp');
    expect(Math.max(preview.width, preview.height)).toBeLessThanOrEqual(32);
    expect(preview.width / preview.height).toBeCloseTo(image.width / image.height, 0);

    const res = await alice.json<{ data: { image: { placeholder: Placeholder } } }>('POST', '/graphql', {
      query: 'query($id: ID!) { image(id: $id) { placeholder { thumbhash color dataUrl } } }',
      variables: { id: up.body.id },
    });
    expect(res.body.data.image.placeholder).toEqual(image.placeholder);
  });

  test('an image with transparency keeps it in the preview and the ThumbHash', async ({ alice, collection }) => {
    const up = await restUpload(alice, await alphaPng(900, 600), { collection });
    const { placeholder } = (await waitForImage(alice, up.body.id)) as unknown as { placeholder: Placeholder };
    const preview = await sharp(Buffer.from(placeholder.dataUrl.split(',')[1]!, 'base64')).metadata();
    expect(preview.hasAlpha).toBe(true);
    // the source's corners are fully transparent (a vignette): the decoded ThumbHash's corners too
    const { rgba } = thumbHashToRGBA(Buffer.from(placeholder.thumbhash, 'base64'));
    expect(rgba[3]).toBeLessThan(128);
  });
});
