import { describe, expect, it } from 'vitest';
import { isValidSlug, slugCandidate, slugFromFilename } from './slug.ts';

describe('slugFromFilename', () => {
  it.each([
    ['Beach Sunset.JPG', 'beach-sunset'],
    ['IMG_2041.jpeg', 'img-2041'],
    ['  --Crème Brûlée!!.png', 'creme-brulee'],
    ['C:\\photos\\Dog.gif', 'dog'],
    ['../../etc/passwd', 'passwd'],
    ['.png', 'image'],
    ['日本.webp', 'image'],
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
