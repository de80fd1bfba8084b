import { describe, expect, it } from 'vitest';
import { LaneCount, LANES, lanesFor } from './pipeline.ts';
import { runLanes } from './lanes.ts';

describe('lanesFor', () => {
  it("gives an image a second lane while the images in the threads leave a core of the process's share idle", () => {
    expect(LANES).toBe(2);
    expect(lanesFor(1, 2, 2)).toBe(2); // alone on 2 cores, WORKER_THREADS = cores (the default)
    expect(lanesFor(3, 4, 8)).toBe(2);
    expect(lanesFor(1, 4, 2)).toBe(2); // more threads than cores: one image leaves a core idle
  });

  it('gives one lane once the images in the threads are as many as the cores', () => {
    expect(lanesFor(2, 2, 2)).toBe(1);
    expect(lanesFor(8, 4, 4)).toBe(1); // admitted beyond the threads: only those in threads count
    expect(lanesFor(4, 8, 2)).toBe(1); // more threads than cores
  });

  it('keeps a process to its threads: a single-thread worker uses one core however many the machine has', () => {
    expect(lanesFor(1, 1, 2)).toBe(1);
    expect(lanesFor(1, 1, 64)).toBe(1);
    expect(lanesFor(2, 2, 8)).toBe(1); // WORKER_THREADS=2 on 8 cores: two images fill its share
    expect(lanesFor(1, 2, 8)).toBe(2);
  });

  it('counts only images in threads, not those admitted and queued behind them', () => {
    expect(lanesFor(5, 1, 2)).toBe(1);
    expect(lanesFor(5, 4, 8)).toBe(1);
  });
});

describe('runLanes with a LaneCount the pool changes while the image runs', () => {
  /** Jobs whose encodes finish when the test says, recording how many run at once. */
  function jobs(n: number) {
    const log: string[] = [];
    let inFlight = 0;
    let most = 0;
    const gates = new Map<string, () => void>();
    const list = Array.from({ length: n }, (_, i) => ({
      name: `j${i}`,
      cost: n - i, // j0 is the largest: taken first
      encode: () =>
        new Promise<string>((resolve) => {
          inFlight++;
          most = Math.max(most, inFlight);
          log.push(`start j${i}`);
          gates.set(`j${i}`, () => {
            inFlight--;
            resolve(`j${i}`);
          });
        }),
    }));
    const finish = async (name: string) => {
      gates.get(name)!();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    return { list, log, finish, most: () => most, inFlight: () => inFlight };
  }

  it('opens a second lane at once when the count is raised, and closes it after its encode when lowered', async () => {
    const { list, log, finish, inFlight } = jobs(5);
    const count = new LaneCount(1);
    const done: string[] = [];
    const all = runLanes(list, count, (job) => done.push(job.name));
    await Promise.resolve();
    expect(log).toEqual(['start j0']);
    count.set(2); // another image left the threads: this one takes the idle core
    expect(log).toEqual(['start j0', 'start j1']);
    expect(inFlight()).toBe(2);
    count.set(1); // a new image arrived: back to one lane once an encode returns
    await finish('j1');
    expect(log).toEqual(['start j0', 'start j1']); // the lane that finished j1 stopped
    expect(inFlight()).toBe(1);
    await finish('j0');
    expect(log.at(-1)).toBe('start j2');
    await finish('j2');
    await finish('j3');
    await finish('j4');
    expect(await all).toBe(2); // the most encodes in flight at once
    expect(done).toEqual(['j1', 'j0', 'j2', 'j3', 'j4']);
  });

  it('on one lane, the jobs that read the file wait for the others; a second lane takes the largest of them at once', async () => {
    const { list, log, finish } = jobs(4);
    const marked = list.map((job, i) => ({ ...job, readsFile: i === 0 })); // j0, the largest, reads the file (a camera photo's full size)
    const count = new LaneCount(1);
    const all = runLanes(marked, count, () => {});
    await Promise.resolve();
    expect(log).toEqual(['start j1']); // not j0: on one lane it comes after the decode's readers
    await finish('j1');
    expect(log).toEqual(['start j1', 'start j2']);
    count.set(2); // the image is alone in the threads again: the full-size encode starts on the new lane
    expect(log).toEqual(['start j1', 'start j2', 'start j0']);
    await finish('j2');
    expect(log.at(-1)).toBe('start j3');
    await finish('j3');
    await finish('j0');
    await all;
    // and when every job left reads the file, one lane takes them
    const { list: rest, log: restLog, finish: finishRest } = jobs(2);
    const alone = runLanes(rest.map((job) => ({ ...job, readsFile: true })), 1, () => {});
    await Promise.resolve();
    expect(restLog).toEqual(['start j0']);
    await finishRest('j0');
    await finishRest('j1');
    expect(await alone).toBe(1);
  });

  it('a fixed number still runs that many lanes, and an empty plan resolves', async () => {
    const { list, log, finish, most } = jobs(3);
    const all = runLanes(list, 2, () => {});
    await Promise.resolve();
    expect(log).toEqual(['start j0', 'start j1']);
    await finish('j0');
    await finish('j1');
    await finish('j2');
    expect(await all).toBe(2);
    expect(most()).toBe(2);
    await expect(runLanes([], new LaneCount(2), () => {})).resolves.toBe(0);
  });

  it('on a failure, takes no more jobs and rejects once the encodes in flight have returned', async () => {
    let release!: () => void;
    const started: string[] = [];
    const list = [
      { cost: 3, encode: () => { started.push('a'); return Promise.reject(new Error('bad pixels')); } },
      { cost: 2, encode: () => { started.push('b'); return new Promise<void>((r) => (release = r)); } },
      { cost: 1, encode: () => { started.push('c'); return Promise.resolve(); } },
    ];
    let settled = false;
    const all = runLanes(list, new LaneCount(2), () => {}).finally(() => (settled = true));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(settled).toBe(false); // b is still encoding
    release();
    await expect(all).rejects.toThrow('bad pixels');
    expect(started).toEqual(['a', 'b']);
  });
});
