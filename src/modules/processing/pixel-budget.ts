/**
 * The processing memory budget: the pool admits an image by the memory its pipeline will hold, not
 * just by a free thread, so two 30 MP photos or one 24 MP PNG with alpha cannot push a process past
 * what its host gives it. A small weighted semaphore, first come first served.
 *
 * The footprint of one image, measured (`npm run bench:memory`: peak RSS growth of a process running
 * one image on one thread, MALLOC_ARENA_MAX=2, sharp 0.35.5 / libvips 8.18.7):
 *
 *   opaque stills (JPEG, PNG): 6 MP 80 MiB, 7.7 MP 91, 12 MP 110, 24 MP 183, 30 MP 235, 48 MP 304
 *     → at most ~7 bytes per pixel over a ~40 MiB floor: libwebp's ARGB copy and YUV planes for the
 *       full-size encode (which streams from the file, so the raw decode is not held beside it,
 *       pipeline.ts) and the small intermediate the other outputs come from;
 *   stills with alpha (PNG, WebP): 6 MP 245–271 MiB over runs, 24 MP 867 → ≤ 40 B/px: the alpha plane is
 *     compressed losslessly, and libwebp's lossless encoder needs hash chains and histograms per pixel;
 *   animations: 20 × 0.23 MP 37 MiB, 60 × 0.92 MP 185, 100 × 1 MP 271 → frames are encoded one at
 *     a time: ~2 B/px over all frames plus ~48 B/px of one frame;
 *   progressive JPEGs on top: libjpeg holds every DCT coefficient of the picture (2 bytes per sample)
 *     while it decodes one, and the full-size encode decodes as it goes: a 30 MP 4:2:0 photo 188 MiB
 *     baseline, 280 progressive (+3 B/px); 4:4:4 holds twice that (issue 26: 20 uploads of such a
 *     photo peaked at 926 MiB when the budget charged them as baseline JPEGs).
 *
 * So two 30 MP photos (2 × 246 MiB charged) fit the 512 MiB default of a two-thread pool.
 */

export interface JobFootprint {
  /** One frame, after EXIF orientation. */
  width: number;
  height: number;
  pages: number;
  /** Whether the decoded image may carry alpha; unknown counts as yes (the costlier case). */
  alpha?: boolean;
  /** A HEIC decoded in WebAssembly first (heic-decode.ts): its planes, RGBA copy and in-memory PNG come on top. */
  hevc?: boolean;
  /** A progressive JPEG: its samples per pixel (3 for 4:4:4, 1.5 for 4:2:0, 1 for grey), whose coefficients libjpeg holds. */
  progressiveSamples?: number;
}

/** Bytes of one DCT coefficient: libjpeg's JCOEF is a 16-bit integer. */
const COEFFICIENT_BYTES = 2;

const MIB = 2 ** 20;
const FLOOR = 40 * MIB;
const OPAQUE_BYTES_PER_PIXEL = 7.2;
const ALPHA_BYTES_PER_PIXEL = 40;
const ANIMATION_BYTES_PER_PIXEL = 2;
const ANIMATION_BYTES_PER_FRAME_PIXEL = 48;
/**
 * A HEIC's decode before the pipeline starts: libheif's YCbCr planes (1.5 B/px) and RGBA result
 * (4), the JavaScript copy (4) and the uncompressed PNG handed on (3–4), held together at the peak.
 */
const HEVC_BYTES_PER_PIXEL = 14;

/** The memory one image's pipeline holds at its peak, in bytes (from the measurements above, rounded up). */
export function footprintBytes({ width, height, pages, alpha = true, hevc = false, progressiveSamples = 0 }: JobFootprint): number {
  const frame = width * height;
  if (pages > 1) return FLOOR + ANIMATION_BYTES_PER_PIXEL * frame * pages + ANIMATION_BYTES_PER_FRAME_PIXEL * frame;
  const coefficients = COEFFICIENT_BYTES * progressiveSamples * frame;
  return FLOOR + (alpha ? ALPHA_BYTES_PER_PIXEL : OPAQUE_BYTES_PER_PIXEL) * frame + (hevc ? HEVC_BYTES_PER_PIXEL * frame : 0) + coefficients;
}

/**
 * Samples per pixel of a progressive JPEG, from its header (sharp's metadata: `isProgressive`,
 * `chromaSubsampling` like '4:2:0' or '4:4:4:4' for CMYK, `channels`); 0 for anything else.
 */
export function progressiveSamples(header: { format?: string; isProgressive?: boolean; chromaSubsampling?: string; channels?: number }): number {
  if (header.format !== 'jpeg' || !header.isProgressive) return 0;
  const channels = header.channels ?? 3;
  if (channels === 1) return 1;
  const [, b, c] = (header.chromaSubsampling ?? '4:2:0').split(':').map(Number);
  // J:a:b — per 4×2 block of luma, a chroma samples in the first row, b in the second, for each of 2 chroma planes
  const chroma = Number.isFinite(b) && Number.isFinite(c) ? ((b! + c!) / 8) * 2 : 1;
  return 1 + chroma + (channels === 4 ? 1 : 0);
}

interface Waiter {
  bytes: number;
  admit: (release: () => void) => void;
}

/**
 * A semaphore weighted by bytes. Jobs are admitted in arrival order: a job that does not fit waits,
 * and so does everyone behind it (no overtaking, so a large image is not starved by a stream of
 * small ones). A job larger than the whole budget is admitted when nothing else runs, and runs alone.
 */
export class PixelBudget {
  #inUse = 0;
  #running = 0;
  readonly #waiting: Waiter[] = [];

  /** `capacity` in bytes; Infinity admits everything (no budget). */
  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError(`PixelBudget: capacity must be positive, got ${capacity}`);
  }

  /** Bytes held by running jobs, and how many run and wait: for logs and tests. */
  get usage(): { bytes: number; running: number; waiting: number } {
    return { bytes: this.#inUse, running: this.#running, waiting: this.#waiting.length };
  }

  /** Resolves when `bytes` may be held, with the function that gives them back (idempotent). */
  acquire(bytes: number): Promise<() => void> {
    return new Promise((admit) => {
      this.#waiting.push({ bytes, admit });
      this.#admit();
    });
  }

  /** Runs `fn` holding `bytes`, giving them back however it ends. */
  async run<T>(bytes: number, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(bytes);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  #fits(bytes: number): boolean {
    return this.#running === 0 || this.#inUse + bytes <= this.capacity;
  }

  #admit(): void {
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]!.bytes)) {
      const { bytes, admit } = this.#waiting.shift()!;
      this.#inUse += bytes;
      this.#running++;
      let released = false;
      admit(() => {
        if (released) return;
        released = true;
        this.#inUse -= bytes;
        this.#running--;
        this.#admit();
      });
    }
  }
}
