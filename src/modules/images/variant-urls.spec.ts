import { describe, expect, it } from 'vitest';
import { VARIANT_SIZES } from './sizes.ts';
import { allObjectKeys, deliveryOf, namedLinker, parseCdnPath, parseNamedCdnPath, parsePrivateNamedPath, parsePrivatePath, SRC_SIZE, storedNamedKey, storedVariantKey, type DeliveryLinks } from './variant-urls.ts';

const base: DeliveryLinks = { cdnBaseUrl: 'https://cdn.example.com', signPrivate: (path) => `https://api.example.com${path}?exp=1&sig=x` };
const image = { collectionId: 'col_abc', slug: 'beach-sunset', visibility: 'public' as const };

describe('deliveryOf', () => {
  it('serves every stored size, src at 768 and srcset over the 11 widths, narrowest first', () => {
    const d = deliveryOf(base, image, [...VARIANT_SIZES].reverse());
    expect(d.url(0)).toBe('https://cdn.example.com/col_abc/0/beach-sunset.webp');
    expect(d.src).toBe(`https://cdn.example.com/col_abc/${SRC_SIZE}/beach-sunset.webp`);
    expect(d.srcset).toBe(VARIANT_SIZES.slice(1).map((s) => `https://cdn.example.com/col_abc/${s}/beach-sunset.webp ${s}w`).join(', '));
    expect(d.srcset?.split(', ')).toHaveLength(11);
    expect(d.fileUrl({ size: 320, format: 'webp' })).toBe(d.url(320));
    expect(d.fileUrl({ size: 320, format: 'avif' })).toBe('https://cdn.example.com/col_abc/320/beach-sunset.avif');
  });

  it('gives no URL for a size it has not stored, or that is not in the size table', () => {
    const d = deliveryOf(base, image, [0, 320, 640]);
    expect(d.url(320)).not.toBeNull();
    expect(d.url(640)).toBeNull();
    expect(d.url(768)).toBeNull();
    expect(d.src).toBeNull();
    // 640 is not a size of the table: never listed, even if a row claimed it
    expect(d.srcset).toBe('https://cdn.example.com/col_abc/320/beach-sunset.webp 320w');
  });

  it('has nothing to deliver before any variant exists', () => {
    const d = deliveryOf(base, image, []);
    expect([d.url(0), d.url(768), d.src, d.srcset]).toEqual([null, null, null, null]);
  });
});

describe('private files', () => {
  it('are linked through the signer at /private/…, every URL of the image alike', () => {
    const d = deliveryOf(base, { ...image, visibility: 'private' }, [320, 768]);
    expect(d.url(320)).toBe('https://api.example.com/private/col_abc/320/beach-sunset.webp?exp=1&sig=x');
    expect(d.src).toBe('https://api.example.com/private/col_abc/768/beach-sunset.webp?exp=1&sig=x');
    expect(d.srcset).toBe('https://api.example.com/private/col_abc/320/beach-sunset.webp?exp=1&sig=x 320w, https://api.example.com/private/col_abc/768/beach-sunset.webp?exp=1&sig=x 768w');
    expect(d.fileUrl({ size: 320, format: 'avif' })).toBe('https://api.example.com/private/col_abc/320/beach-sunset.avif?exp=1&sig=x');
  });

  it('are stored under _private/, which the CDN pattern never names', () => {
    const key = storedVariantKey('col_abc', 320, 'beach-sunset', 'webp', 'private');
    expect(key).toBe('_private/col_abc/320/beach-sunset.webp');
    expect(parseCdnPath(`/cdn/${key}`)).toBeNull();
    expect(storedVariantKey('col_abc', 320, 'beach-sunset', 'webp', 'public')).toBe('col_abc/320/beach-sunset.webp');
  });

  it('parse only well-formed private paths', () => {
    expect(parsePrivatePath('/private/col_abc/320/beach-sunset.webp')).toEqual({ collectionId: 'col_abc', size: 320, slug: 'beach-sunset', format: 'webp' });
    for (const bad of ['/private/col_abc/321/a.webp', '/private/col_abc/320/../a.webp', '/private/col_abc/320/a.png', '/private/col_abc/320/a%2Fb.webp', '/cdn/col_abc/320/a.webp']) expect(parsePrivatePath(bad)).toBeNull();
  });

  it('named variants: stored under _private/, linked signed, parsed apart from sizes', () => {
    expect(storedNamedKey('col_abc', 'avatar', 'beach-sunset', 'avif', 'private')).toBe('_private/col_abc/avatar/beach-sunset.avif');
    expect(parseNamedCdnPath(`/cdn/${storedNamedKey('col_abc', 'avatar', 'beach-sunset', 'webp', 'private')}`)).toBeNull();
    expect(namedLinker(base, { ...image, visibility: 'private' })('avatar', 'webp')).toBe('https://api.example.com/private/col_abc/avatar/beach-sunset.webp?exp=1&sig=x');
    expect(namedLinker(base, image)('avatar', 'webp')).toBe(`${base.cdnBaseUrl}/col_abc/avatar/beach-sunset.webp`);
    expect(parsePrivateNamedPath('/private/col_abc/avatar/beach-sunset.avif')).toEqual({ collectionId: 'col_abc', name: 'avatar', slug: 'beach-sunset', format: 'avif' });
    for (const bad of ['/private/col_abc/320/a.webp', '/private/col_abc/Avatar/a.webp', '/private/col_abc/avatar/../a.webp', '/private/col_abc/avatar/a.png', '/cdn/col_abc/avatar/a.webp']) expect(parsePrivateNamedPath(bad)).toBeNull();
    expect(parsePrivatePath('/private/col_abc/avatar/a.webp')).toBeNull();
    const keys = allObjectKeys({ id: 'img_1', collectionId: 'col_abc', slug: 'a', namedVariants: [{ name: 'avatar', format: 'webp' }] });
    expect(keys).toEqual(expect.arrayContaining(['col_abc/avatar/a.webp', '_private/col_abc/avatar/a.webp']));
  });
});
