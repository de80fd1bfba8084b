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
 * smaller encodes beside it; a camera photo makes those first and lets their intermediate go before
 * its full-size encode (runLanes): 20 concurrent 30 MP uploads peaked at 613–643 MiB instead of
 * 686–708 (bench:memory). So a single-thread worker uses one core, and M of them on one machine do
 * not each count the others' cores as idle (bench:scale).
 */
export function lanesFor(running: number, threads: number, cores: number): number {
  return Math.min(running, threads) >= Math.min(threads, cores) ? 1 : LANES;
}

/**
 * An image's lane count, which the pool may change while the image runs: raised when other images
 * leave the threads (the last image of a batch takes the idle core instead of finishing alone on
 * one), lowered when new ones arrive (a lane above the count finishes its encode and stops).
 */
export class LaneCount {
  #value: number;
  readonly #listeners = new Set<() => void>();

  constructor(value: number) {
    this.#value = Math.max(1, value);
  }

  get value(): number {
    return this.#value;
  }

  set(value: number): void {
    const next = Math.max(1, value);
    if (next === this.#value) return;
    this.#value = next;
    for (const listener of this.#listeners) listener();
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Runs `jobs` on `lanes` lanes (a number, or a LaneCount followed as it changes), largest `cost`
 * first onto whichever lane is free, calling `done` as each finishes. While the count is one, the
 * jobs marked `readsFile` wait until the others have been taken: they read the source file rather
 * than the decoded pixels the others share, which can then be let go before them (runPipeline); with
 * a second lane the largest goes first again, so a raised count starts the full-size encode at once.
 * Resolves with the most encodes that were in flight at once. The first failure stops the other
 * lanes taking jobs and is thrown once the encodes in flight have returned.
 */
export function runLanes<J extends { cost: number; readsFile?: boolean; encode: () => Promise<unknown> }>(jobs: readonly J[], lanes: number | LaneCount, done: (job: J, result: Awaited<ReturnType<J['encode']>>) => void): Promise<number> {
  const count = typeof lanes === 'number' ? new LaneCount(lanes) : lanes;
  const queue = [...jobs].sort((a, b) => b.cost - a.cost);
  const take = (): J => {
    const i = count.value === 1 ? queue.findIndex((job) => !job.readsFile) : 0;
    return queue.splice(Math.max(0, i), 1)[0]!;
  };
  return new Promise<number>((resolve, reject) => {
    let active = 0;
    let inFlight = 0;
    let most = 0;
    let failure: { err: unknown } | null = null;
    const settle = () => {
      if (active > 0 || (!failure && queue.length > 0)) return;
      unsubscribe();
      if (failure) reject(failure.err);
      else resolve(most);
    };
    // A lane takes its first job synchronously, so `active` and `queue` stay in step for fill().
    const lane = async () => {
      active++;
      try {
        while (!failure && queue.length > 0 && active <= count.value) {
          const job = take();
          most = Math.max(most, ++inFlight);
          const result = await job.encode().finally(() => inFlight--);
          done(job, result as Awaited<ReturnType<J['encode']>>);
        }
      } catch (err) {
        failure ??= { err }; // the other lanes stop taking jobs
      } finally {
        active--;
        settle();
      }
    };
    const fill = () => {
      while (!failure && active < count.value && queue.length > 0) void lane();
    };
    const unsubscribe = count.subscribe(fill);
    fill();
    settle();
  });
}
