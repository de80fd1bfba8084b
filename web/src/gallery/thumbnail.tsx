/** An image's picture at tile size: srcset from the delivery module, intrinsic width/height so nothing shifts. */
import { srcsetOf, urlOf, type Deliverable } from '../delivery.ts';
import { ErrorIcon } from '../components/icons.tsx';
import { isFailed, isReady } from '../image-status.ts';

export function Thumbnail({ image, sizes, alt = '' }: { image: Deliverable; sizes: string; alt?: string }) {
  if (!isReady(image.status)) {
    return (
      <div class={isFailed(image.status) ? 'thumb-placeholder thumb-failed' : 'thumb-placeholder'} aria-hidden="true">
        {isFailed(image.status) ? <ErrorIcon /> : <span class="spinner" />}
      </div>
    );
  }
  return <img src={urlOf(image, 320) ?? undefined} srcset={srcsetOf(image) ?? undefined} sizes={sizes} width={image.width} height={image.height} alt={alt} loading="lazy" decoding="async" />;
}
