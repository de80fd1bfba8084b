import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { restrictLoaders } from './loaders.ts';

const encode = (format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif') =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } }).toFormat(format).toBuffer();

describe('restrictLoaders', () => {
  it('keeps JPEG, PNG, WebP, GIF, HEIF (AVIF) and TIFF decoding and refuses every other format', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="red"/></svg>');
    expect((await sharp(svg).metadata()).format).toBe('svg'); // enabled before
    restrictLoaders();
    for (const f of ['jpeg', 'png', 'webp', 'gif', 'tiff'] as const) {
      expect((await sharp(await encode(f)).metadata()).format).toBe(f);
    }
    const { info } = await sharp(await encode('avif')).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(8);
    await expect(sharp(svg).metadata()).rejects.toThrow(/unsupported image format/);
  });
});
