/**
 * The metric-agreement pairs (test/fixtures/ssimulacra2-reference.json): a recipe — which real picture,
 * scaled to 1024 px wide, encoded by which encoder at which quality — recreates both images of a pair
 * deterministically with sharp, so the fixture holds figures only.
 */
import sharp from 'sharp';
import type { RgbImage } from '../src/modules/quality/ssimulacra2.ts';

export type PairEncoder = 'webp' | 'avif' | 'jpeg';

export interface PairRecipe {
  /** A file name from test/support/real-photos.ts. */
  photo: string;
  encoder: PairEncoder;
  quality: number;
}

export const PAIR_WIDTH = 1024;

/** The original at 1024 px wide as 8-bit sRGB RGB (what both sides of a pair start from). */
export async function pairOriginal(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path)
    .autoOrient()
    .toColourspace('srgb')
    .resize(PAIR_WIDTH)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** The encode then decode of `original` the recipe describes. */
export async function pairDistorted(original: RgbImage, recipe: PairRecipe): Promise<RgbImage> {
  const input = sharp(original.data, { raw: { width: original.width, height: original.height, channels: 3 } });
  const encoded =
    recipe.encoder === 'webp'
      ? input.webp({ quality: recipe.quality, effort: 4 })
      : recipe.encoder === 'avif'
        ? input.avif({ quality: recipe.quality, effort: 2, chromaSubsampling: '4:2:0' })
        : input.jpeg({ quality: recipe.quality, mozjpeg: false });
  const { data, info } = await sharp(await encoded.toBuffer())
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** 16 pictures (8 photos, 4 renders, 4 flat) × 3 encoders, one quality per picture and encoder. */
export function pairRecipes(photos: { name: string }[]): PairRecipe[] {
  const qualities: Record<PairEncoder, number[]> = { webp: [40, 60, 80, 92], avif: [30, 50, 60, 80], jpeg: [25, 50, 75, 90] };
  return photos.flatMap((p, i) => (['webp', 'avif', 'jpeg'] as const).map((encoder, j) => ({ photo: p.name, encoder, quality: qualities[encoder][(i + j) % 4]! })));
}
