/**
 * The focal point of an image (contract §13): click on the picture (or move it with the arrow keys),
 * see every cover crop of the collection follow live, then save; the server makes those crops again.
 */
import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { announce } from '../components/toast.tsx';
import { DashboardSetFocalPointDocument, ImageArtDocument } from '../generated/graphql.ts';
import { coverRegion, previewStyle } from './crop.ts';

const PREVIEW_WIDTH = 140;
const STEP = 0.02;
const round = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;

export function FocalPicker({ id }: { id: string }) {
  const [{ data }] = useQuery({ query: ImageArtDocument, variables: { id }, requestPolicy: 'network-only' });
  const [saving, setFocalPoint] = useMutation(DashboardSetFocalPointDocument);
  const [focal, setFocal] = useState<{ x: number; y: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const image = data?.image;
  useEffect(() => {
    if (image?.focalPoint && !focal) setFocal({ x: image.focalPoint.x, y: image.focalPoint.y });
  }, [image?.focalPoint?.x, image?.focalPoint?.y]);
  if (!image?.src) return null;
  const src = image.src;
  const point = focal ?? { x: 0.5, y: 0.5 };
  const covers = image.collection.variants.filter((v) => v.fit === 'COVER');
  const changed = !image.focalPoint || point.x !== image.focalPoint.x || point.y !== image.focalPoint.y;

  const pick = (event: MouseEvent) => {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    setFocal({ x: round((event.clientX - box.left) / box.width), y: round((event.clientY - box.top) / box.height) });
  };
  const nudge = (event: KeyboardEvent) => {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    setFocal({ x: round(point.x + move[0]), y: round(point.y + move[1]) });
  };
  const save = async () => {
    setError(null);
    const result = await setFocalPoint({ id, x: point.x, y: point.y });
    const out = result.data?.setFocalPoint;
    if (out?.__typename === 'Image') announce(covers.length ? 'Focal point saved; the crops are being made again' : 'Focal point saved');
    else setError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };

  return (
    <section class="card focal" aria-labelledby="focal-title">
      <div class="focal-head">
        <h2 id="focal-title">Focal point</h2>
        <p class="muted small">
          {image.focalPoint?.auto && !changed ? 'Found automatically (the most salient spot). ' : ''}Click on the picture to choose where crops center.
        </p>
      </div>
      <div class="focal-body">
        <div
          class="focal-canvas"
          role="slider"
          tabIndex={0}
          aria-label="Focal point"
          aria-valuetext={`${Math.round(point.x * 100)}% from the left, ${Math.round(point.y * 100)}% from the top`}
          aria-valuenow={Math.round(point.x * 100)}
          onClick={pick}
          onKeyDown={nudge}
        >
          <img src={src} alt="" draggable={false} />
          <span class="focal-marker" style={{ left: `${point.x * 100}%`, top: `${point.y * 100}%` }} aria-hidden="true" />
        </div>
        <div class="focal-side">
          {covers.length ? (
            <ul class="crop-previews" aria-label="Crop previews">
              {covers.map((v) => {
                const region = coverRegion(image.width, image.height, v.width, v.height, point);
                const height = Math.round((PREVIEW_WIDTH * v.height) / v.width);
                return (
                  <li key={v.name} class="crop-preview" data-variant={v.name}>
                    <div class="crop-box" style={previewStyle(src, image.width, image.height, region, PREVIEW_WIDTH, height)} />
                    <span class="small">
                      {v.name} <span class="muted">{v.width} × {v.height}</span>
                    </span>
                  </li>
                );
              })}
            </ul>
          ) : (
            <p class="muted small">This collection has no cover crops yet: add named variants in its settings.</p>
          )}
          <p class="mono small">
            x {point.x.toFixed(3)} · y {point.y.toFixed(3)}
          </p>
          <button type="button" class="btn btn-primary" disabled={!changed || saving.fetching} onClick={save}>
            Save focal point
          </button>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
