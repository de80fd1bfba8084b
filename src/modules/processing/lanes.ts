/**
 * How many encodes an image keeps in flight at once, and the lanes that run them. Runs in the worker
 * (erasable TS; siblings only).
 */

/**
 * Encodes in flight per image. Two, because the full-size encode is one libwebp thread and
 * everything else fits beside it on a second core. The pool runs one image per thread, so a busy
 * pool has at most 2 × threads sharp calls in flight: libuv's default 4 threads cover 2 pool threads.
 */
export const LANES = 2;

/**
 * Lanes for an image starting while `running` images (itself included) hold the pool's `threads`
 * on a machine of `cores`. The process's share of the machine is its threads (WORKER_THREADS: one
 * core each, README "Scaling"), never more than the cores: the second lane only pays while a core
 * of that share would otherwise be idle. Once the images in the threads fill the share, each keeps
 * one call in flight — the share stays as busy, and an image holds its full-size encode without its
 * smaller encodes beside it (a 30 MP photo alone in a fresh process: ~195 MiB at its peak instead
 * of ~208). So a single-thread worker uses one core, and M of them on one machine do not each
 * count the others' cores as idle (bench:scale).
 */
export function lanesFor(running: number, threads: number, cores: number): number {
  return Math.min(running, threads) >= Math.min(threads, cores) ? 1 : LANES;
}

/**
 * Runs `jobs` on `lanes` lanes, largest `cost` first onto whichever lane is free, calling `done` as
 * each finishes. The first failure stops the other lanes taking jobs and is thrown.
 */
export async function runLanes<J extends { cost: number; encode: () => Promise<unknown> }>(jobs: readonly J[], lanes: number, done: (job: J, result: Awaited<ReturnType<J['encode']>>) => void): Promise<void> {
  const queue = [...jobs].sort((a, b) => b.cost - a.cost);
  let failed = false;
  const lane = async () => {
    for (let job = queue.shift(); job && !failed; job = queue.shift()) {
      const result = await job.encode().catch((err: unknown) => {
        failed = true; // the other lane stops taking jobs
        throw err;
      });
      done(job, result as Awaited<ReturnType<J['encode']>>);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
}
