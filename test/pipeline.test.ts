/**
 * The image pipeline end to end with real sharp, through the worker-thread pool: geometry of every
 * variant, no enlargement, orientation, animation, alpha, colour, stripped metadata, quality against
 * a straightforward sharp reference, failures and time limits; and the intake header checks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.ts';
import { inspectSource } from '../src/modules/images/sniff.ts';
import { intermediateWidth } from '../src/modules/processing/jobs.ts';
import { lanesFor, runPipeline, type PipelineTask } from '../src/modules/processing/pipeline.ts';
import { ProcessingPool, type ProcessResult, type ProcessingStep } from '../src/modules/processing/pool.ts';
import { planVariants } from '../src/modules/processing/variant-plan.ts';
import { VARIANT_SIZES, type VariantSize } from '../src/modules/images/sizes.ts';
import { PIPELINE_STEPS, STEP_PROGRESS } from '../src/modules/images/steps.ts';
import * as images from './support/images.ts';
import { realPhotos } from './support/real-photos.ts';

interface Fixture {
  make: () => Promise<Buffer>;
  format: string;
  /** As displayed (after EXIF orientation). */
  width: number;
  height: number;
  pages: number;
}

const fixtures: Record<string, Fixture> = {
  'photo.jpg': { make: () => images.photoJpeg(1600, 1200), format: 'jpeg', width: 1600, height: 1200, pages: 1 },
  'narrow.jpg': { make: () => images.photoJpeg(500, 400), format: 'jpeg', width: 500, height: 400, pages: 1 },
  'alpha.png': { make: () => images.alphaPng(900, 600), format: 'png', width: 900, height: 600, pages: 1 },
  'rotated.jpg': { make: () => images.rotatedJpeg(640, 480), format: 'jpeg', width: 480, height: 640, pages: 1 },
  'p3-exif.jpg': { make: () => images.p3JpegWithExif(800, 600), format: 'jpeg', width: 800, height: 600, pages: 1 },
  'cmyk.jpg': { make: () => images.cmykJpeg(600, 400), format: 'jpeg', width: 600, height: 400, pages: 1 },
  '16bit.png': { make: () => images.png16(600, 400), format: 'png', width: 600, height: 400, pages: 1 },
  'animated.gif': { make: () => images.animatedGif(3, 480, 270), format: 'gif', width: 480, height: 270, pages: 3 },
  'animated.webp': { make: () => images.animatedWebp(4, 400, 300), format: 'webp', width: 400, height: 300, pages: 4 },
  'photo.webp': { make: () => images.photoWebp(1000, 750), format: 'webp', width: 1000, height: 750, pages: 1 },
  'pixel.png': { make: () => images.onePixelPng(), format: 'png', width: 1, height: 1, pages: 1 },
  'panorama.jpg': { make: () => images.panoramaJpeg(4000, 300), format: 'jpeg', width: 4000, height: 300, pages: 1 },
  'tall.jpg': { make: () => images.tallJpeg(300, 4000), format: 'jpeg', width: 300, height: 4000, pages: 1 },
};

const limits = { maxInputPixels: 100_000_000, maxFrames: 1000 };
/** As the service runs it: intake reads the header (and enforces the limits), the pool gets the geometry. */
async function processFile(pool: ProcessingPool, path: string, onStep?: Parameters<ProcessingPool['process']>[2], maxInputPixels = limits.maxInputPixels) {
  return pool.process(path, await inspectSource(path, { ...limits, maxInputPixels }), onStep);
}
let dir: string;
let pool: ProcessingPool;
const paths: Record<string, string> = {};
const results: Record<string, ProcessResult> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'optimage-pipeline-'));
  for (const [name, fixture] of Object.entries(fixtures)) paths[name] = await images.writeImage(dir, name, await fixture.make());
  for (const [name, make] of Object.entries(images.invalidFiles)) paths[name] = await images.writeImage(dir, name, await make());
  pool = new ProcessingPool({ threads: 2, taskTimeoutMs: 60_000, maxInputPixels: limits.maxInputPixels });
  // All at once: more images than threads, so the queue is exercised too.
  const names = Object.keys(fixtures);
  const done = await Promise.all(names.map((name) => processFile(pool, paths[name]!)));
  names.forEach((name, i) => (results[name] = done[i]!));
});

afterAll(async () => {
  await pool?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const outputFor = (result: ProcessResult, size: VariantSize) => result.outputs.find((o) => o.sizes.includes(size))!;
const decode = (bytes: Uint8Array, pages: number) => sharp(bytes, { pages: pages > 1 ? -1 : 1 });
/** 8-bit sRGB pixels, transparency composited over grey so that hidden colours do not count. */
const pixels = (image: Sharp) => image.flatten({ background: '#808080' }).toColourspace('srgb').raw().toBuffer();

/** Ground truth: a plain lanczos resize of the whole decoded original (no shrink-on-load). */
async function lanczosTruth(path: string, pages: number, width: number, height: number): Promise<Buffer> {
  // sharp resizes frames separately only when they come from the file (the pipeline does the same).
  if (pages > 1) return pixels(sharp(path, { pages: -1 }).resize(width, height, { fit: 'fill' }));
  const { data, info } = await sharp(path).rotate().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return pixels(sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).resize(width, height, { fit: 'fill' }));
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return sum === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255 * a.length) / sum);
}

let wide: Promise<string> | undefined;
/** A panorama cut from a real camera photo (Kleiber, 6028×3391) at 7200 px: wider than 2.5× the largest resized size. */
function widePhoto(): Promise<string> {
  wide ??= (async () => {
    const photo = realPhotos().find((p) => p.name === 'Kleiber_by_Lukas_Baubkus.jpg')!;
    const band = await sharp(photo.path).resize(7200).extract({ left: 0, top: 1100, width: 7200, height: 1800 }).jpeg({ quality: 92 }).toBuffer();
    return images.writeImage(dir, 'wide-camera.jpg', band);
  })();
  return wide;
}

describe('ProcessingPool.process', () => {
  it.each(Object.keys(fixtures))('%s: WebP at the planned size for every size, metadata stripped', async (name) => {
    const fixture = fixtures[name]!;
    const result = results[name]!;
    expect(result).toMatchObject({ format: fixture.format, width: fixture.width, height: fixture.height, pages: fixture.pages });
    expect(result.outputs.flatMap((o) => o.sizes).sort((a, b) => a - b)).toEqual([...VARIANT_SIZES]);
    for (const size of VARIANT_SIZES) {
      const enlarged = size === 0 || size >= fixture.width;
      const width = enlarged ? fixture.width : size;
      const height = enlarged ? fixture.height : Math.max(1, Math.round((fixture.height * size) / fixture.width));
      const output = outputFor(result, size);
      expect(output, `size ${size}`).toMatchObject({ width, height });
      const meta = await sharp(output.bytes).metadata(); // frame 0's size, all frames counted
      expect(meta, `size ${size}`).toMatchObject({ format: 'webp', width, height, space: 'srgb', depth: 'uchar' });
      expect(meta.pages ?? 1).toBe(fixture.pages);
      expect([meta.exif, meta.icc, meta.xmp, meta.iptc]).toEqual([undefined, undefined, undefined, undefined]);
    }
  });

  it('never enlarges: sizes at or above the image width are the full-size file itself', () => {
    const result = results['narrow.jpg']!;
    expect(result.outputs).toHaveLength(4);
    for (const size of [512, 576, 1280] as const) expect(outputFor(result, size)).toBe(outputFor(result, 0));
    expect(outputFor(results['tall.jpg']!, 1280)).toBe(outputFor(results['tall.jpg']!, 320));
    expect(results['pixel.png']!.outputs).toHaveLength(1);
  });

  it('applies EXIF orientation: the rotated JPEG comes out portrait, its marker top right', async () => {
    const output = outputFor(results['rotated.jpg']!, 0);
    const { data, info } = await sharp(output.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([480, 640]);
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const [r, g, b] = at(info.width - 20, 20);
    expect(r).toBeGreaterThan(200);
    expect(Math.max(g!, b!)).toBeLessThan(70);
    expect(at(20, 20)[0]! - at(20, 20)[1]!).toBeLessThan(100); // the other corner is not the marker
  });

  it.each(['animated.gif', 'animated.webp'])('%s: keeps every frame, the frame delays and the loop', async (name) => {
    const { pages } = fixtures[name]!;
    for (const output of results[name]!.outputs) {
      expect(await sharp(output.bytes).metadata()).toMatchObject({ pages, delay: Array<number>(pages).fill(100), loop: 0 });
    }
  });

  it('keeps transparency', async () => {
    const result = results['alpha.png']!;
    for (const size of [0, 448] as const) {
      const output = outputFor(result, size);
      const { data, info } = await sharp(output.bytes).raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(4);
      const alphaAt = (fx: number, fy: number) => data[(Math.round(fy * info.height) * info.width + Math.round(fx * info.width)) * 4 + 3];
      expect(alphaAt(0.64, 0.5), `size ${size}: inside the transparent ring`).toBeLessThan(10);
      expect(alphaAt(0.5, 0.5), `size ${size}: opaque centre`).toBeGreaterThan(245);
    }
    expect((await sharp(outputFor(results['photo.jpg']!, 0).bytes).metadata()).hasAlpha).toBe(false);
  });

  it.each(['photo.jpg', 'rotated.jpg', 'p3-exif.jpg', 'cmyk.jpg', '16bit.png', 'alpha.png', 'photo.webp', 'panorama.jpg', 'animated.gif', 'animated.webp'])(
    '%s: quality within 0.5 dB of a straightforward sharp encode, at a similar size',
    async (name) => {
      const path = paths[name]!;
      const { pages } = fixtures[name]!;
      const open = () => sharp(path, { pages: pages > 1 ? -1 : 1 });
      for (const output of results[name]!.outputs) {
        const { width, height } = output;
        const truth = await lanczosTruth(path, pages, width, height);
        const reference = await open().rotate().resize(width, height, { fit: 'fill' }).webp({ quality: 80 }).toBuffer();
        const ours = psnr(await pixels(decode(output.bytes, pages)), truth);
        const theirs = psnr(await pixels(decode(reference, pages)), truth);
        expect(ours, `${width}x${height}: ours ${ours.toFixed(2)} dB, reference ${theirs.toFixed(2)} dB`).toBeGreaterThan(theirs - 0.5);
        // Shrink-on-load (JPEG, WebP) blurs the reference, which makes it smaller: size is compared with
        // the same straightforward encode without it.
        const unshrunk = await open().rotate().resize(width, height, { fit: 'fill', fastShrinkOnLoad: false }).webp({ quality: 80 }).toBuffer();
        expect(output.bytes.byteLength, `${width}x${height} bytes`).toBeLessThan(unshrunk.byteLength * 1.1);
      }
    },
  );

  it('reports CONVERT, RESIZE, OPTIMIZE in order with progress that never goes back', async () => {
    const events: [ProcessingStep, number][] = [];
    await processFile(pool, paths['photo.jpg']!, (step, progress) => events.push([step, progress]));
    expect(events[0]![0]).toBe('CONVERT');
    expect(events.at(-1)).toEqual(['OPTIMIZE', STEP_PROGRESS.OPTIMIZE]);
    expect(events.map(([step]) => step)).toContain('RESIZE');
    for (let i = 1; i < events.length; i++) {
      expect(PIPELINE_STEPS.indexOf(events[i]![0])).toBeGreaterThanOrEqual(PIPELINE_STEPS.indexOf(events[i - 1]![0]));
      expect(events[i]![1]).toBeGreaterThanOrEqual(events[i - 1]![1]);
    }
    expect(events[0]![1]).toBeGreaterThanOrEqual(STEP_PROGRESS.VALIDATE);
  });

  it('one lane (the pool\'s choice once its images fill the cores) makes the same files as two, with steps in order', async () => {
    const source = await inspectSource(paths['photo.jpg']!, limits);
    const task = { sourcePath: paths['photo.jpg']!, plan: planVariants(source), animated: false, maxInputPixels: limits.maxInputPixels, formats: ['webp'] as const, placeholder: true };
    const steps: [ProcessingStep, number][] = [];
    const [two, one] = [await runPipeline({ ...task, lanes: 2 }), await runPipeline({ ...task, lanes: 1 }, (step, progress) => steps.push([step, progress]))];
    expect(one.outputs.map((o) => [o.sizes, o.width, o.height])).toEqual(two.outputs.map((o) => [o.sizes, o.width, o.height]));
    one.outputs.forEach((output, i) => expect(Buffer.from(output.bytes).equals(Buffer.from(two.outputs[i]!.bytes)), `output ${output.sizes.join(',')}`).toBe(true));
    expect(one.placeholder).toEqual(two.placeholder);
    expect(steps.map(([step]) => step).filter((step, i, all) => step !== all[i - 1])).toEqual(['CONVERT', 'RESIZE', 'OPTIMIZE']);
    expect(steps.at(-1)).toEqual(['OPTIMIZE', 100]);
  });

  it('a single-thread pool keeps its image to one core: one encode at a time, never two beside each other', async () => {
    const path = await images.writeImage(dir, 'camera-lanes.jpg', await images.photoJpeg(4000, 3000));
    const single = new ProcessingPool({ threads: 1, taskTimeoutMs: 60_000, maxInputPixels: limits.maxInputPixels });
    try {
      expect((await processFile(single, path)).encodesAtOnce).toBe(1);
    } finally {
      await single.close();
    }
    // the two-thread pool gives a lone image a second lane where a second core exists: its smaller
    // files are encoded beside the 12 MP full size
    const twoLanes = lanesFor(1, 2, availableParallelism()) === 2;
    expect((await processFile(pool, path)).encodesAtOnce).toBe(twoLanes ? 2 : 1);
  });

  it('an image that started beside another gets its second lane once the other leaves the threads', async () => {
    const small = await images.writeImage(dir, 'beside.jpg', await images.photoJpeg(1000, 750));
    const large = await images.writeImage(dir, 'camera-rebalanced.jpg', await images.photoJpeg(6000, 4000));
    // the small image is in a thread first, so the large one is dispatched with one lane (two images, two cores)
    let started!: () => void;
    const smallStarted = new Promise<void>((resolve) => (started = resolve));
    const smallDone = processFile(pool, small, () => started());
    await smallStarted;
    const [, result] = await Promise.all([smallDone, processFile(pool, large)]);
    // the small image left within its first ~0.1 s, and a quarter of a second later (RAISE_AFTER_MS) the
    // 24 MP image had its second lane: its full-size encode (~2 s) started there beside its smaller
    // files; on one lane it would have waited for them (as on a one-core machine, where there is no
    // second lane to give)
    const twoLanes = lanesFor(1, 2, availableParallelism()) === 2;
    expect(result.encodesAtOnce).toBe(twoLanes ? 2 : 1);
  });

  it('a photo wider than 2.5× its largest size, on one lane: the smaller files come first, and their intermediate is freed before the full-size encode reads the file', async () => {
    const path = await widePhoto();
    const source = await inspectSource(path, limits);
    const plan = planVariants(source);
    const full = plan.find((o) => o.sizes.includes(0))!;
    const largest = Math.max(...plan.filter((o) => o !== full).map((o) => o.width));
    expect(full.width).toBeGreaterThan(2.5 * largest); // decoded to an intermediate, not at full size
    const width = intermediateWidth(full.width, largest);
    const intermediateBytes = width * Math.round((full.height * width) / full.width) * 3;
    const task = { sourcePath: path, plan, animated: false, maxInputPixels: limits.maxInputPixels, formats: ['webp'] as const, placeholder: true };
    // sharp's buffers are external memory: a freed intermediate leaves it at once
    const samples: { external: number; step: string }[] = [];
    let step = '';
    const sample = setInterval(() => samples.push({ external: process.memoryUsage().external, step }), 2);
    let one;
    try {
      one = await runPipeline({ ...task, lanes: 1 }, (s, progress) => {
        step = `${s} ${progress}`;
        samples.push({ external: process.memoryUsage().external, step });
      });
    } finally {
      clearInterval(sample);
    }
    // OPTIMIZE starts at 0: every smaller file and the placeholder were done before the full size began
    expect(samples.map((s) => s.step).filter((s, i, all) => s !== all[i - 1])).toEqual(['CONVERT 0', 'CONVERT 100', ...new Set(samples.map((s) => s.step).filter((s) => s.startsWith('RESIZE'))), 'OPTIMIZE 0', 'OPTIMIZE 100']);
    const atOptimize = samples.find((s) => s.step === 'OPTIMIZE 0')!.external;
    const duringFullSize = Math.min(...samples.filter((s) => s.step === 'OPTIMIZE 0').map((s) => s.external));
    expect(atOptimize - duringFullSize, `external ${atOptimize} → ${duringFullSize}; intermediate ${intermediateBytes}`).toBeGreaterThan(0.9 * intermediateBytes);
    expect(one.encodesAtOnce).toBe(1);
    // the same files as two lanes, where the full size goes first beside the others
    const two = await runPipeline({ ...task, lanes: 2 });
    expect(two.encodesAtOnce).toBe(2);
    one.outputs.forEach((output, i) => expect(Buffer.from(output.bytes).equals(Buffer.from(two.outputs[i]!.bytes)), `output ${output.sizes.join(',')}`).toBe(true));
    expect(one.placeholder).toEqual(two.placeholder);
  });

  it('a wide photo with "auto" and named variants around its salient point: the searches and crops read the intermediate before it goes, on one lane and on two', async () => {
    const path = await widePhoto();
    const source = await inspectSource(path, limits);
    const boxes: NonNullable<PipelineTask['art']>['boxes'] = [
      { name: 'square', width: 600, height: 600, fit: 'cover' },
      { name: 'banner', width: 3000, height: 600, fit: 'cover' }, // wider than the intermediate holds for its region: cut from the file
    ];
    const task: PipelineTask = { sourcePath: path, plan: planVariants(source), animated: false, maxInputPixels: limits.maxInputPixels, formats: ['webp'], placeholder: true, quality: 'auto', art: { boxes, focal: null, metadata: 'none', colorProfile: 'srgb', source: { width: source.width, height: source.height } } };
    const [one, two] = [await runPipeline({ ...task, lanes: 1 }), await runPipeline({ ...task, lanes: 2 })];
    for (const result of [one, two]) {
      expect(result.outputs).toHaveLength(task.plan.length);
      for (const output of result.outputs) expect(await sharp(output.bytes).metadata(), `${output.format} ${output.width}`).toMatchObject({ width: output.width, height: output.height });
      expect(result.named.map((n) => [n.name, n.format, n.width, n.height])).toEqual([['square', 'webp', 600, 600], ['banner', 'webp', 3000, 600]]);
      expect(result.focal).toMatchObject({ source: 'auto' });
    }
    expect(one.outputs.map((o) => o.quality)).toEqual(two.outputs.map((o) => o.quality));
    one.outputs.forEach((output, i) => expect(Buffer.from(output.bytes).equals(Buffer.from(two.outputs[i]!.bytes)), `${output.format} ${output.sizes.join(',')}`).toBe(true));
  });

  it('fails a truncated JPEG as an invalid image (its header alone looks fine)', async () => {
    await expect(inspectSource(paths.truncatedJpeg!, limits)).resolves.toMatchObject({ format: 'jpeg', width: 800, height: 600 });
    const failure = processFile(pool, paths.truncatedJpeg!);
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({ code: 'INVALID_IMAGE', message: expect.stringMatching(/could not be decoded/) });
  });

  it('fails a truncated camera photo as invalid too: its full size is encoded from the file, but the one decode reads every pixel first', async () => {
    const photo = await images.photoJpeg(4000, 3000, 4);
    const path = await images.writeImage(dir, 'truncated-camera.jpg', photo.subarray(0, Math.floor(photo.length * 0.7)));
    const steps: ProcessingStep[] = [];
    const failure = processFile(pool, path, (step) => steps.push(step));
    await expect(failure).rejects.toMatchObject({ code: 'INVALID_IMAGE', message: expect.stringMatching(/could not be decoded/) });
    expect(steps).not.toContain('RESIZE'); // it failed in CONVERT, before any encode
  });

  it('refuses unsupported files and images over the pixel limit before using a thread', async () => {
    await expect(processFile(pool, paths.svg!)).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    const small = new ProcessingPool({ threads: 1, taskTimeoutMs: 60_000, maxInputPixels: 1_000_000 });
    try {
      await expect(processFile(small, paths['photo.jpg']!, undefined, 1_000_000)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    } finally {
      await small.close();
    }
  });

  it('with a memory budget two images that do not fit together run one after the other, and a failure frees its share', async () => {
    // photo.jpg (1600×1200 opaque) needs ~53 MiB by footprintBytes: a 64 MiB budget on 2 threads holds one at a time
    const budgeted = new ProcessingPool({ threads: 2, taskTimeoutMs: 60_000, maxInputPixels: limits.maxInputPixels, memoryBudgetBytes: 64 * 2 ** 20 });
    try {
      const timeline: string[] = [];
      const run = (name: string, path: string) =>
        processFile(budgeted, path, () => void (timeline.at(-1) === name ? undefined : timeline.push(name))).then(
          () => timeline.push(`${name} done`),
          () => timeline.push(`${name} failed`),
        );
      await Promise.all([run('a', paths['photo.jpg']!), run('bad', paths.truncatedJpeg!), run('b', paths['photo.jpg']!)]);
      // no interleaving: each image's steps, then its end, before the next image starts (in whichever
      // order their headers were read); the failed one let the next in
      const blocks = Array.from({ length: timeline.length / 2 }, (_, i) => timeline.slice(2 * i, 2 * i + 2).join(' → '));
      expect(blocks.sort()).toEqual(['a → a done', 'b → b done', 'bad → bad failed']);
    } finally {
      await budgeted.close();
    }
  });

  it('stops a task that runs past the time limit', async () => {
    const hasty = new ProcessingPool({ threads: 1, taskTimeoutMs: 1, maxInputPixels: limits.maxInputPixels });
    try {
      await expect(processFile(hasty, paths['photo.jpg']!)).rejects.toMatchObject({
        code: 'PROCESSING_TIMEOUT',
        message: 'Processing took longer than 1 ms and was stopped',
      });
    } finally {
      await hasty.close();
    }
  });
});

describe('inspectSource', () => {
  it.each(Object.keys(fixtures))('%s: format, displayed size, frames', async (name) => {
    const { format, width, height, pages } = fixtures[name]!;
    await expect(inspectSource(paths[name]!, limits)).resolves.toMatchObject({ format, width, height, pages });
  });

  it('reports the EXIF orientation', async () => {
    await expect(inspectSource(paths['rotated.jpg']!, limits)).resolves.toMatchObject({ width: 480, height: 640, orientation: 6 });
    await expect(inspectSource(paths['photo.jpg']!, limits)).resolves.toMatchObject({ orientation: 1 });
  });

  it.each(['text', 'svg', 'html', 'empty'])('refuses %s as an unsupported format', async (name) => {
    await expect(inspectSource(paths[name]!, limits)).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
      message: 'Unsupported file format: send a JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF or TIFF image',
    });
  });

  it.each([
    ['jpeg', [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]],
    ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]],
    ['gif', [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01]],
  ])('refuses a %s whose header is corrupt as invalid', async (format, magic) => {
    const junk = Buffer.concat([Buffer.from(magic as number[]), Buffer.alloc(64, 0xa5)]);
    const path = await images.writeImage(dir, `corrupt.${format}`, junk);
    const failure = inspectSource(path, limits);
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({ code: 'INVALID_IMAGE', message: expect.stringContaining(`The ${format.toUpperCase()} file`) });
  });

  it('refuses an image over the pixel limit', async () => {
    await expect(inspectSource(paths['photo.jpg']!, { maxInputPixels: 1_919_999, maxFrames: 1000 })).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: 'The image is too large: 1,600×1,200 is 1,920,000 pixels, the limit is 1,919,999',
    });
    await expect(inspectSource(paths['photo.jpg']!, { maxInputPixels: 1_920_000, maxFrames: 1000 })).resolves.toBeTruthy();
  });

  it('refuses an animation with too many frames, or too many pixels in all', async () => {
    await expect(inspectSource(paths['animated.gif']!, { maxInputPixels: 100_000_000, maxFrames: 2 })).rejects.toMatchObject({
      code: 'TOO_MANY_FRAMES',
      message: 'The animation has too many frames: 3, the limit is 2',
    });
    await expect(inspectSource(paths['animated.gif']!, { maxInputPixels: 480 * 270 * 2, maxFrames: 1000 })).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: expect.stringMatching(/^The animation is too large: 3 frames of 480×270/),
    });
  });
});
