import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { restrictLoaders } from './loaders.ts';

const encode = (format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif') =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } }).toFormat(format).toBuffer();

describe('restrictLoaders', () => {
  it('keeps JPEG, PNG, WebP and GIF decoding and refuses every other format', async () => {
    const tiff = await encode('tiff');
    const avif = await encode('avif');
    expect((await sharp(tiff).metadata()).format).toBe('tiff'); // enabled before
    restrictLoaders();
    for (const f of ['jpeg', 'png', 'webp', 'gif'] as const) {
      expect((await sharp(await encode(f)).metadata()).format).toBe(f);
    }
    await expect(sharp(tiff).metadata()).rejects.toThrow(/unsupported image format/);
    await expect(sharp(avif).raw().toBuffer()).rejects.toThrow(/unsupported image format/);
  });
});
