import { describe, expect, it } from 'vitest';
import { cleanFilename } from './filename.ts';
import { isValidSlug, nextFreeSlug, slugCandidate, slugFromFilename } from './slug.ts';

describe('slugFromFilename', () => {
  it.each([
    ['Beach Sunset.JPG', 'beach-sunset'],
    ['IMG_2041.jpeg', 'img-2041'],
    ['  --Crème Brûlée!!.png', 'creme-brulee'],
    ['C:\\photos\\Dog.gif', 'dog'],
    ['../../etc/passwd', 'passwd'],
    ['.png', 'image'],
    // romanised (issue 8: file names in any language); before, everything non-Latin fell back to "image"
    ['日本.webp', 'ri-ben'],
    ['Café au lait.jpg', 'cafe-au-lait'],
    ['Ünïcödé Straße.jpg', 'unicode-strasse'],
    ['Привет мир.png', 'privet-mir'],
    ['😀🎉.jpg', 'image'],
    [null, 'image'],
  ])('%s → %s', (name, slug) => {
    expect(slugFromFilename(name)).toBe(slug);
    expect(isValidSlug(slugFromFilename(name))).toBe(true);
  });

  it('leaves room for a numeric suffix within 100 characters', () => {
    const slug = slugFromFilename(`${'a'.repeat(300)}.jpg`);
    expect(slug.length).toBeLessThanOrEqual(92);
    expect(isValidSlug(slugCandidate(slug, 9999))).toBe(true);
  });
});

describe('isValidSlug', () => {
  it('accepts lowercase words joined by single hyphens, at most 100 chars', () => {
    expect(isValidSlug('beach-sunset-2')).toBe(true);
    expect(isValidSlug('a'.repeat(100))).toBe(true);
    for (const bad of ['', 'Beach', 'a--b', '-a', 'a-', 'a_b', 'a b', 'a/b', '..', 'a'.repeat(101), 'ünï']) {
      expect(isValidSlug(bad), bad).toBe(false);
    }
  });
});

describe('slugCandidate', () => {
  it('numbers candidates from 2', () => {
    expect([1, 2, 3].map((n) => slugCandidate('x', n))).toEqual(['x', 'x-2', 'x-3']);
  });
});

describe('nextFreeSlug', () => {
  it('uses the base while free, then one past the highest numeric suffix', () => {
    expect(nextFreeSlug('dog', [])).toBe('dog');
    expect(nextFreeSlug('dog', ['dog-2', 'dogs'])).toBe('dog');
    expect(nextFreeSlug('dog', ['dog'])).toBe('dog-2');
    expect(nextFreeSlug('dog', ['dog', 'dog-2', 'dog-7', 'dog-house', 'dog-2-3'])).toBe('dog-8');
    const many = ['blob', ...Array.from({ length: 500 }, (_, i) => `blob-${i + 2}`)];
    expect(nextFreeSlug('blob', many)).toBe('blob-502');
  });
});

describe('cleanFilename', () => {
  it.each([
    ['Café au lait.jpg', 'Café au lait.jpg'],
    ['a\u0000b.jpg', 'ab.jpg'],
    ['tab\there\u007f\u0085.jpg', 'tab here.jpg'],
    ['../../x.jpg', 'x.jpg'],
    ['C:\\photos\\Dog.gif', 'Dog.gif'],
    ['\u0001\u0002', null],
    ['', null],
    [null, null],
  ])('%j → %j', (raw, clean) => {
    expect(cleanFilename(raw)).toBe(clean);
  });

  it('keeps at most 255 characters, cutting whole code points', () => {
    const name = `${'写'.repeat(300)}.jpg`;
    const clean = cleanFilename(name)!;
    expect([...clean]).toHaveLength(255);
    expect(clean).toBe('写'.repeat(255));
    expect(cleanFilename(`${'😀'.repeat(300)}`)!.length).toBe(510); // 255 emoji, two UTF-16 units each
  });
});
