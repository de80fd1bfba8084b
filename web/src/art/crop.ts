/**
 * The region a `cover` box takes from a picture around a focal point: the server's rule
 * (src/modules/processing/variant-plan.ts planNamed), so the preview shows the crop it will make.
 */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function coverRegion(W: number, H: number, w: number, h: number, focal: { x: number; y: number }): Region {
  const wider = W / H > w / h;
  const cw = wider ? Math.min(W, Math.max(1, Math.round((H * w) / h))) : W;
  const ch = wider ? H : Math.min(H, Math.max(1, Math.round((W * h) / w)));
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return { left: clamp(Math.round(focal.x * W - cw / 2), W - cw), top: clamp(Math.round(focal.y * H - ch / 2), H - ch), width: cw, height: ch };
}

/** CSS background geometry that shows `region` of a W×H picture in a box `boxWidth` × `boxHeight` px. */
export function previewStyle(src: string, W: number, H: number, region: Region, boxWidth: number, boxHeight: number) {
  const scale = boxWidth / region.width;
  return {
    width: `${boxWidth}px`,
    height: `${boxHeight}px`,
    backgroundImage: `url("${src}")`,
    backgroundSize: `${W * scale}px ${H * scale}px`,
    backgroundPosition: `${-region.left * scale}px ${-region.top * scale}px`,
  };
}
