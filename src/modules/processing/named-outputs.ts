/**
 * The named variants' encodes (contract §13), made from the pixels the pipeline already decoded:
 * each crop's region is cut from the decode (the intermediate of a camera photo, at least 1.5× its largest size, holds enough
 * pixels for any box up to its width), or, for a box that needs more, from the source file itself.
 * Runs in the worker (erasable TS; sharp and siblings only).
 */
import type { Sharp } from 'sharp';
import type { OutputFormat } from '../images/formats.ts';
import type { Job } from './jobs.ts';
import type { Pixels } from './source.ts';
import { planNamed, type NamedBox, type PlannedCrop, type Region } from './variant-plan.ts';

export interface ArtTask {
  boxes: NamedBox[];
  /** The owner's focal point, or null: the salient point of the decode is used. */
  focal: { x: number; y: number } | null;
  metadata: 'none' | 'copyright';
  colorProfile: 'srgb' | 'wide';
  /** Upright source dimensions (the image row's). */
  source: { width: number; height: number };
  /** Only the files that depend on the focal point (cover crops): the focal point moved. */
  namedOnly?: boolean;
}

export interface NamedOutput {
  name: string;
  format: OutputFormat;
  width: number;
  height: number;
  cropped: boolean;
  bytes: Uint8Array;
}

interface Sources {
  base: Pixels;
  fromPixels: (pixels: Pixels) => Sharp;
  fromFile: () => Sharp;
  encode: (image: Sharp, format: OutputFormat, from: 'file' | 'pixels') => Promise<Buffer>;
  relativeCost: Record<OutputFormat, number>;
  invalid: (err: unknown) => Error;
}

const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

/** A file's dimensions do not depend on the focal point, only where its region sits: planned now, cut once the point is known. */
export function namedJobs(art: ArtTask, focal: Promise<{ x: number; y: number }>, formats: readonly OutputFormat[], sources: Sources): Job[] {
  const shapes = planNamed(art.source, art.boxes, { x: 0.5, y: 0.5 });
  return shapes.flatMap((shape, i) =>
    formats.map((format) => ({
      output: null,
      named: { name: shape.name, format, width: shape.width, height: shape.height, cropped: shape.cropped },
      format,
      cost: shape.width * shape.height * sources.relativeCost[format],
      encode: async () => render(planNamed(art.source, [art.boxes[i]!], await focal)[0]!, format, art.source, sources),
    })),
  );
}

function render(crop: PlannedCrop, format: OutputFormat, source: { width: number; height: number }, sources: Sources): Promise<Buffer> {
  const { base } = sources;
  const scale = base.width / source.width;
  const region = scaled(crop.region, scale, base);
  // enough decoded pixels for this box: cut from them; else from the file at full resolution
  const fromBase = region.width >= crop.inner.width && region.height >= crop.inner.height;
  const image = fromBase ? sources.fromPixels(base).extract(region) : sources.fromFile().extract(crop.region);
  let out = image.resize(crop.inner.width, crop.inner.height, { fit: 'fill' });
  const right = crop.width - crop.inner.width - crop.inner.left;
  const bottom = crop.height - crop.inner.height - crop.inner.top;
  if (crop.inner.left || crop.inner.top || right || bottom) {
    out = out.ensureAlpha().extend({ left: crop.inner.left, top: crop.inner.top, right, bottom, background: TRANSPARENT });
  }
  const encoded = sources.encode(out, format, fromBase ? 'pixels' : 'file');
  return fromBase ? encoded : encoded.catch((err: unknown) => Promise.reject(sources.invalid(err)));
}

/** A region of the source in the decode's pixels (inside its bounds). */
function scaled(region: Region, scale: number, bounds: { width: number; height: number }): Region {
  const left = Math.min(bounds.width - 1, Math.floor(region.left * scale));
  const top = Math.min(bounds.height - 1, Math.floor(region.top * scale));
  return {
    left,
    top,
    width: Math.max(1, Math.min(bounds.width - left, Math.round(region.width * scale))),
    height: Math.max(1, Math.min(bounds.height - top, Math.round(region.height * scale))),
  };
}
