import { describe, expect, it } from 'vitest';
import { EXPIRY_WINDOW_SECONDS, roundedExpiry, signature, signedPath, verifySignature } from './signing.ts';

const k1 = 'k1-'.padEnd(40, 'x');
const k2 = 'k2-'.padEnd(40, 'y');
const path = '/private/col_abc/320/beach.webp';

describe('roundedExpiry', () => {
  it('rounds up to the 15-minute window, at least the TTL away', () => {
    const now = 1_800_000_123;
    const exp = roundedExpiry(now, 3600);
    expect(exp % EXPIRY_WINDOW_SECONDS).toBe(0);
    expect(exp - now).toBeGreaterThanOrEqual(3600);
    expect(exp - now).toBeLessThan(3600 + EXPIRY_WINDOW_SECONDS);
  });

  it('is the same for every moment of one window, and moves on in the next', () => {
    const start = 1_800_000_000 - (1_800_000_000 % EXPIRY_WINDOW_SECONDS) + 1;
    const inWindow = [0, 1, 300, EXPIRY_WINDOW_SECONDS - 1].map((d) => roundedExpiry(start + d, 3600));
    expect(new Set(inWindow).size).toBe(1);
    expect(roundedExpiry(start + EXPIRY_WINDOW_SECONDS, 3600)).toBe(inWindow[0]! + EXPIRY_WINDOW_SECONDS);
  });
});

describe('signature', () => {
  it('is a stable hex HMAC-SHA256 of path and expiry', () => {
    expect(signature(k1, path, 100)).toMatch(/^[0-9a-f]{64}$/);
    expect(signature(k1, path, 100)).toBe(signature(k1, path, 100));
    expect(signature(k1, path, 100)).not.toBe(signature(k1, path, 101));
    expect(signature(k1, path, 100)).not.toBe(signature(k2, path, 100));
    expect(signedPath(k1, path, 100)).toBe(`${path}?exp=100&sig=${signature(k1, path, 100)}`);
  });
});

describe('verifySignature', () => {
  const now = 1000;
  const exp = 2000;
  const sig = signature(k1, path, exp);
  it.each([
    ['the signed URL', [k1], path, String(exp), sig, 'valid'],
    ['an old key still in the list', [k2, k1], path, String(exp), sig, 'valid'],
    ['a key no longer listed', [k2], path, String(exp), sig, 'bad-signature'],
    ['another size', [k1], '/private/col_abc/640/beach.webp', String(exp), sig, 'bad-signature'],
    ['another path', [k1], '/private/col_abd/320/beach.webp', String(exp), sig, 'bad-signature'],
    ['a later expiry', [k1], path, String(exp + 900), sig, 'bad-signature'],
    ['a flipped signature digit', [k1], path, String(exp), (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1), 'bad-signature'],
    ['a short signature', [k1], path, String(exp), sig.slice(0, 63), 'malformed'],
    ['uppercase hex', [k1], path, String(exp), sig.toUpperCase(), 'malformed'],
    ['no exp', [k1], path, null, sig, 'malformed'],
    ['a negative exp', [k1], path, '-5', sig, 'malformed'],
  ] as const)('%s → %s', (_name, keys, p, e, s, verdict) => {
    expect(verifySignature(keys, p, e, s, now)).toBe(verdict);
  });

  it('is expired from the second of exp on', () => {
    expect(verifySignature([k1], path, String(exp), sig, exp - 1)).toBe('valid');
    expect(verifySignature([k1], path, String(exp), sig, exp)).toBe('expired');
  });
});
