import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCRATCH_MAX_AGE_MS, scratchPath, sweepScratch } from './scratch.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A real process id: of one that has exited, or of one still running (ended by the returned stop). */
async function processId(alive: boolean): Promise<{ pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', alive ? 'setTimeout(() => {}, 60000)' : ''], { stdio: 'ignore' });
  if (!alive) await new Promise((r) => child.once('exit', r));
  return { pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

describe('sweepScratch', () => {
  it('removes files of exited processes and old ones; keeps those of live processes and anything else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'optimage-scratch-'));
    dirs.push(dir);
    const dead = await processId(false);
    const live = await processId(true);
    try {
      const uuid = '0b7a5c8e-51f4-4d53-9f3c-6d7f1a2b3c4d';
      const names = {
        mine: scratchPath(dir, 'upload').slice(dir.length + 1),
        deadUpload: `optimage-upload-${dead.pid}-${uuid}`,
        deadSource: `optimage-source-${dead.pid}-${uuid}`,
        liveSource: `optimage-source-${live.pid}-${uuid}`,
        oldMine: `optimage-source-${process.pid}-${uuid.replace('0b', '1c')}`,
        unrelated: 'notes.txt',
      };
      for (const name of Object.values(names)) await writeFile(join(dir, name), 'x');
      const old = new Date(Date.now() - SCRATCH_MAX_AGE_MS - 60_000);
      await utimes(join(dir, names.oldMine), old, old);

      const removed = await sweepScratch(dir);
      expect(removed.sort()).toEqual([names.deadSource, names.deadUpload, names.oldMine].sort());
      expect((await readdir(dir)).sort()).toEqual([names.liveSource, names.mine, names.unrelated].sort());
    } finally {
      live.stop();
    }
  });

  it('is a no-op on a missing directory', async () => {
    await expect(sweepScratch(join(tmpdir(), 'optimage-no-such-dir'))).resolves.toEqual([]);
  });
});
