import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { ensureLibraryLinks } from './embedded-postgres.ts';

describe('ensureLibraryLinks (an install whose postinstall script did not run)', () => {
  it('makes the links pg-symlinks.json lists, relative to their directory, and leaves existing files alone', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pg-links-'));
    try {
      await mkdir(join(root, 'native', 'lib'), { recursive: true });
      await writeFile(join(root, 'native', 'lib', 'libicuuc.so.60.2'), 'the library');
      await writeFile(join(root, 'native', 'lib', 'libkept.so'), 'a file already there');
      const links = [
        { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so.60' },
        { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so' },
        { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libkept.so' },
      ];
      await writeFile(join(root, 'native', 'pg-symlinks.json'), JSON.stringify(links));
      await ensureLibraryLinks(createLogger('silent'), root);
      expect(await readlink(join(root, 'native', 'lib', 'libicuuc.so.60'))).toBe('libicuuc.so.60.2');
      expect(await readFile(join(root, 'native', 'lib', 'libicuuc.so'), 'utf8')).toBe('the library');
      expect(await readFile(join(root, 'native', 'lib', 'libkept.so'), 'utf8')).toBe('a file already there');
      await ensureLibraryLinks(createLogger('silent'), root); // a second start: nothing to do, no error
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
