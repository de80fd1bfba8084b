import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareDigests, digestOf, INTEGRITY_ATTEMPTS, md5File, md5OfEtag, StorageIntegrityError, writeVerified } from './integrity.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('md5OfEtag', () => {
  it('takes a quoted or bare 32-hex ETag as the MD5, lower-cased', () => {
    expect(md5OfEtag(`"${md5('a')}"`, false)).toBe(md5('a'));
    expect(md5OfEtag(md5('a').toUpperCase(), false)).toBe(md5('a'));
  });
  it('refuses multipart ETags, encrypted objects, weak or missing ETags', () => {
    expect(md5OfEtag(`"${md5('a')}-3"`, false)).toBeNull();
    expect(md5OfEtag(`"${md5('a')}"`, true)).toBeNull();
    expect(md5OfEtag(`W/"${md5('a')}"`, false)).toBeNull();
    expect(md5OfEtag(undefined, false)).toBeNull();
  });
});

describe('compareDigests', () => {
  it('names the size difference first, then the MD5 one', () => {
    expect(compareDigests(digestOf(Buffer.from('abc')), digestOf(Buffer.from('abc')))).toBeNull();
    expect(compareDigests(digestOf(Buffer.from('ab')), digestOf(Buffer.from('abc')))).toBe('2 bytes stored, 3 sent');
    expect(compareDigests(digestOf(Buffer.from('abd')), digestOf(Buffer.from('abc')))).toBe(`MD5 ${md5('abd')} stored, ${md5('abc')} sent`);
  });
});

describe('md5File', () => {
  it('reads a file back into size and MD5', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'optimage-integrity-'));
    try {
      await writeFile(join(dir, 'f'), 'hello');
      expect(await md5File(join(dir, 'f'))).toEqual({ size: 5, md5Hex: md5('hello') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('writeVerified', () => {
  it('returns as soon as an attempt matches, without discarding', async () => {
    const outcomes = ['MD5 x stored, y sent', null];
    let discarded = false;
    let attempts = 0;
    await writeVerified('thing', async () => (attempts++, outcomes.shift()!), async () => void (discarded = true));
    expect(attempts).toBe(2);
    expect(discarded).toBe(false);
  });

  it('after every attempt mismatched, discards what was stored and throws a StorageIntegrityError naming it', async () => {
    let attempts = 0;
    let discarded = false;
    const writing = writeVerified('S3 object "k"', async () => `MD5 a${++attempts} stored, b sent`, async () => void (discarded = true));
    await expect(writing).rejects.toBeInstanceOf(StorageIntegrityError);
    await expect(writing).rejects.toThrow(`S3 object "k" was stored with different bytes than were sent on ${INTEGRITY_ATTEMPTS} attempts (MD5 a3 stored, b sent); it was removed`);
    expect(attempts).toBe(INTEGRITY_ATTEMPTS);
    expect(discarded).toBe(true);
  });

  it('lets a failing write through unchanged (transport errors are retried elsewhere)', async () => {
    const boom = new Error('ECONNRESET');
    await expect(writeVerified('x', () => Promise.reject(boom), async () => undefined)).rejects.toBe(boom);
  });
});
