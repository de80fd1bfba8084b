/**
 * The salient point of a picture when its owner gave no focal point: libvips' attention strategy
 * (skin tones, saturation, edges) asked twice on a small copy of pixels the pipeline has already
 * decoded, once for the best half-width column and once for the best half-height row; the point is
 * where they cross. Runs in the worker (erasable TS; sharp and siblings only).
 */
import type { Sharp } from 'sharp';
import sharp from 'sharp';

/** Attention works on a thumbnail as well as on the full picture, at a fraction of the cost. */
const SIDE = 256;

export async function salientPoint(image: Sharp): Promise<{ x: number; y: number }> {
  const { data, info } = await image.resize(SIDE, SIDE, { fit: 'inside' }).removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const raw = { width, height, channels: 3 as const };
  const crop = async (w: number, h: number) => {
    const { info: out } = await sharp(data, { raw }).resize(w, h, { fit: 'cover', position: sharp.strategy.attention }).toBuffer({ resolveWithObject: true });
    return { left: -(out.cropOffsetLeft ?? 0), top: -(out.cropOffsetTop ?? 0) };
  };
  const column = Math.max(1, Math.round(width / 2));
  const row = Math.max(1, Math.round(height / 2));
  const [{ left }, { top }] = await Promise.all([crop(column, height), crop(width, row)]);
  return { x: round3((left + column / 2) / width), y: round3((top + row / 2) / height) };
}

const round3 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;
