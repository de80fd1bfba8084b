/**
 * @optimage/client's pure helpers as an app calls them (the built package, by its name), and its
 * size table against the server's: the kit knows the contract, not src/, so a drift test holds them equal.
 */
import { imageProps, isOptimageUrl, SIZES, sizeFor, srcset, transform, url } from '@optimage/client';
import optimageLoader from '@optimage/next/loader';
import { withOptimage } from '@optimage/next';
import { OptimageImage, OptimagePicture } from '@optimage/react';
import { readFile } from 'node:fs/promises';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { VARIANT_SIZES } from '../src/modules/images/sizes.ts';
import { CLIENT_CORE_BUDGET, measurePackages } from '../scripts/package-size.ts';

const image = {
  id: 'img_1',
  slug: 'beach-sunset',
  collectionId: 'col_abc123',
  baseUrl: 'https://cdn.example.com',
  status: 'ready',
  width: 4000,
  height: 3000,
  placeholder: { color: '#aabbcc', dataUrl: 'data:image/webp;base64,UklGR' },
};
const at = (size: number, format = 'webp') => `https://cdn.example.com/col_abc123/${size}/beach-sunset.${format}`;

describe('the size table', () => {
  it("is the server's (src/modules/images/sizes.ts)", () => {
    expect([...SIZES]).toEqual([...VARIANT_SIZES]);
  });
});

describe('sizeFor', () => {
  it('is the smallest size at least that wide, for every width from 1 to 4000, else 0', () => {
    const widths = SIZES.filter((s) => s !== 0);
    for (let w = 1; w <= 4000; w++) {
      const size = sizeFor(w);
      if (w > 1280) {
        expect(size, `width ${w}`).toBe(0);
        continue;
      }
      expect(size, `width ${w}`).toBeGreaterThanOrEqual(w);
      expect(widths, `width ${w}`).toContain(size);
      // no smaller size would do
      expect(widths.filter((s) => s >= w && s < size), `width ${w}`).toEqual([]);
    }
    expect(sizeFor(0)).toBe(320);
    expect(sizeFor(320)).toBe(320);
    expect(sizeFor(321)).toBe(384);
    expect(sizeFor(1280.5)).toBe(0);
  });
});

describe('URLs', () => {
  it('url() follows the contract pattern, and keeps the URLs an image carries (signed ones)', () => {
    expect(url(image, 768)).toBe(at(768));
    expect(url(image, 0, 'avif')).toBe(at(0, 'avif'));
    const signed = { ...image, variants: [{ size: 320, format: 'webp', url: 'https://api.example.com/private/col_abc123/320/beach-sunset.webp?exp=1&sig=ab' }] };
    expect(url(signed, 320)).toBe(signed.variants[0]!.url);
    expect(url(signed, 384)).toBe(at(384));
  });

  it('srcset() lists the sizes narrower than the image, then the full image at its own width', () => {
    expect(srcset(image)).toBe([320, 384, 448, 512, 576, 672, 768, 896, 1024, 1152, 1280].map((s) => `${at(s)} ${s}w`).concat(`${at(0)} 4000w`).join(', '));
    const small = { ...image, width: 500, height: 375 };
    expect(srcset(small, { format: 'avif' })).toBe(`${at(320, 'avif')} 320w, ${at(384, 'avif')} 384w, ${at(448, 'avif')} 448w, ${at(0, 'avif')} 500w`);
    // width unknown (still processing): the table's widths
    expect(srcset({ ...image, width: null }).split(', ')).toHaveLength(11);
  });

  it('transform() rewrites the size segment of optimage URLs and leaves any other URL alone', () => {
    expect(transform(at(768), { width: 500 })).toBe(at(512));
    expect(transform(at(0, 'avif'), { width: 1281 })).toBe(at(0, 'avif'));
    expect(transform(`${at(320)}?v=2`, { width: 1000 })).toBe(`${at(1024)}?v=2`);
    for (const other of ['https://example.com/photo.jpg', '/local.png', 'https://cdn.example.com/col_abc/768/x.png', 'https://x.test/col_a/avatar/x.webp']) {
      expect(transform(other, { width: 300 })).toBe(other);
      expect(isOptimageUrl(other)).toBe(false);
    }
    expect(transform(at(768), {})).toBe(at(768));
  });
});

describe('imageProps', () => {
  it('gives src, srcset, sizes, the intrinsic size and the blurred placeholder behind the image', () => {
    const props = imageProps(image, { sizes: '(max-width: 600px) 100vw, 50vw' });
    expect(props).toEqual({
      src: at(768),
      srcSet: srcset(image),
      sizes: '(max-width: 600px) 100vw, 50vw',
      width: 4000,
      height: 3000,
      loading: 'lazy',
      decoding: 'async',
      fetchPriority: 'auto',
      style: { backgroundColor: '#aabbcc', backgroundImage: 'url("data:image/webp;base64,UklGR")', backgroundSize: 'cover', backgroundPosition: 'center', backgroundRepeat: 'no-repeat' },
    });
  });

  it('priority loads eagerly at high priority; placeholders color and none; a small image has its full size as src', () => {
    expect(imageProps(image, { priority: true })).toMatchObject({ loading: 'eager', fetchPriority: 'high', sizes: '100vw' });
    expect(imageProps(image, { placeholder: 'color' }).style).toEqual({ backgroundColor: '#aabbcc' });
    expect(imageProps(image, { placeholder: 'none' }).style).toEqual({});
    expect(imageProps({ ...image, placeholder: null }).style).toEqual({});
    expect(imageProps({ ...image, width: 600, height: 400 }).src).toBe(at(0));
  });
});

describe('@optimage/react on the server (no hooks: what a Server Component renders)', () => {
  it('<OptimageImage> renders one <img> with srcset, sizes, width, height and the placeholder', () => {
    const html = renderToStaticMarkup(createElement(OptimageImage, { image, alt: 'Beach', sizes: '50vw', priority: true, className: 'hero' }));
    // React 19 hoists a preload of a high-priority image into the head: the LCP image starts at once
    expect(html).toMatch(/^<link rel="preload" as="image" imageSrcSet="[^"]+" imageSizes="50vw" fetchPriority="high"\/><img [^>]+\/>$/);
    expect(html).toContain(`src="${at(768)}"`);
    expect(html).toContain(`srcSet="${srcset(image)}"`);
    expect(html).toContain('sizes="50vw"');
    expect(html).toContain('width="4000" height="3000"');
    expect(html).toContain('loading="eager"');
    expect(html).toContain('class="hero"');
    expect(html).toContain('alt="Beach"');
    expect(html).toContain('background-color:#aabbcc');
  });

  it("marks only the client entry 'use client'", async () => {
    const read = (file: string) => readFile(`packages/react/dist/${file}`, 'utf8');
    expect(await read('client.js')).toMatch(/^'use client';/);
    for (const file of ['index.js', 'image.js']) expect(await read(file)).not.toContain('use client');
  });

  it('<OptimagePicture> puts AVIF before WebP', () => {
    const html = renderToStaticMarkup(createElement(OptimagePicture, { image, sizes: '100vw' }));
    expect(html).toMatch(/^<picture><source type="image\/avif" srcSet="[^"]+\.avif 320w[^"]*"[^>]*\/><source type="image\/webp"[^>]*\/><img [^>]+\/><\/picture>$/);
  });
});

describe('@optimage/next', () => {
  it('the loader maps the width Next asks for to the smallest size ≥ it, and leaves other URLs alone', () => {
    for (const w of [16, 320, 640, 750, 828, 1080, 1200, 1920, 3840]) expect(optimageLoader({ src: at(768), width: w })).toBe(at(sizeFor(w)));
    expect(optimageLoader({ src: '/local.png', width: 640 })).toBe('/local.png');
  });

  it("withOptimage sets the loader, Next's widths to optimage's, and keeps the rest", () => {
    const config = withOptimage({ reactStrictMode: true, images: { formats: ['image/avif'] }, transpilePackages: ['x'] } as { reactStrictMode: boolean; images: Record<string, unknown>; transpilePackages: string[] });
    expect(config.reactStrictMode).toBe(true);
    expect(config.images).toEqual({ formats: ['image/avif'], loader: 'custom', loaderFile: './optimage-loader.js', deviceSizes: [320, 384, 448, 512, 576, 672, 768, 896, 1024, 1152, 1280], imageSizes: [] });
    expect(config.transpilePackages).toEqual(['x', '@optimage/client', '@optimage/react', '@optimage/next']);
  });
});

describe('bundle size (npm run size:packages)', () => {
  it('@optimage/client without its upload part is within 3 KB gzipped, and every entry is measured', async () => {
    const sizes = await measurePackages();
    expect(sizes.map((s) => s.entry)).toEqual(['@optimage/client (without upload)', '@optimage/client (all, with upload)', '@optimage/react', '@optimage/react/client', '@optimage/next/loader']);
    const [core, all] = sizes;
    expect(core!.gzip).toBeLessThanOrEqual(CLIENT_CORE_BUDGET);
    // the upload part is left out by tree-shaking, not by luck
    expect(all!.gzip).toBeGreaterThan(core!.gzip + 500);
    for (const s of sizes) expect(s.gzip, s.entry).toBeGreaterThan(100);
  });
});
