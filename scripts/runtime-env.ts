/**
 * The process settings every production start carries (`npm start`, `npm run worker`, the Docker
 * image, deploy/compose.yaml), in one place: the benchmarks run servers with exactly these, and
 * `npm run check:drift` fails when one of those start paths says otherwise. Why each (bench:memory,
 * 20 concurrent 30 MP uploads, README "Memory budget"):
 * - MALLOC_ARENA_MAX=2: glibc would otherwise give each of the pool's and libvips' threads its own
 *   arena, each keeping what it once held.
 * - MALLOC_MMAP_THRESHOLD_=65536: allocations from 64 KiB up (libvips' region buffers, libwebp's
 *   pictures) are their own mappings, returned to the kernel when freed, instead of fragmenting the
 *   main heap (it grew from 13 to ~75 MiB under that load with 128 KiB; ~21 MiB with 64 KiB).
 * - --max-semi-space-size=16: on a machine with many GiB, V8 lets the young generation grow to
 *   2 × 64 MiB (seen under that load); 16 MiB semi-spaces (V8's old default) keep that growth out
 *   of the peak, with no loss of throughput measured there.
 */
export const RUNTIME_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '65536',
  NODE_OPTIONS: '--max-semi-space-size=16',
} as const;

/** `KEY=value …` as a shell prefix (package.json scripts). */
export const RUNTIME_ENV_PREFIX = Object.entries(RUNTIME_ENV)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
