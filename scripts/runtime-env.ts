/**
 * The process settings every production start carries (`npm start`, `npm run worker`, the Docker
 * image, deploy/compose.yaml), in one place: the benchmarks run servers with exactly these, and
 * `npm run check:drift` fails when one of those start paths says otherwise. Why each (bench:memory,
 * 20 concurrent 30 MP uploads, README "Memory budget"):
 * - MALLOC_ARENA_MAX=2: glibc would otherwise give each of the pool's and libvips' threads its own
 *   arena, each keeping what it once held.
 * - MALLOC_MMAP_THRESHOLD_=196608: allocations from 192 KiB up (libwebp's pictures, decoded images,
 *   a 30 MP photo's strips) are their own mappings, returned to the kernel when freed, instead of
 *   fragmenting the main heap; a fixed threshold also stops glibc's dynamic one from growing image
 *   after image. It was 64 KiB (issue 11), but then libvips' region buffers of a 12 MP photo (4000 px
 *   × 16 lines × 3 B = 188 KiB) were mapped, faulted in and unmapped again and again: ~10,000 more
 *   page faults and ~20 % more CPU per 12 MP image (bench:pipeline's CPU rows, issue 26). 256 KiB was
 *   as fast but held ~75 MiB more under bench:memory's load of 30 MP photos (720 vs 645 MiB).
 * - --max-semi-space-size=16: on a machine with many GiB, V8 lets the young generation grow to
 *   2 × 64 MiB (seen under that load); 16 MiB semi-spaces (V8's old default) keep that growth out
 *   of the peak, with no loss of throughput measured there.
 */
export const RUNTIME_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '196608',
  NODE_OPTIONS: '--max-semi-space-size=16',
} as const;

/** `KEY=value …` as a shell prefix (package.json scripts). */
export const RUNTIME_ENV_PREFIX = Object.entries(RUNTIME_ENV)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
