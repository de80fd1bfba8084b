/** The collection's images as tiles, loading the next page as the end of the list scrolls into view. */
import { useMutation } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Link } from '../components/link.tsx';
import { announce } from '../components/toast.tsx';
import { DashboardDeleteImageDocument, type ImageCardFragment } from '../generated/graphql.ts';
import { invalidate } from '../refresh.ts';
import { paths } from '../router.ts';
import { StatusBadge } from './status-badge.tsx';
import { Thumbnail } from './thumbnail.tsx';
import type { Gallery } from './use-gallery.ts';

const TILE_SIZES = '(max-width: 520px) 50vw, (max-width: 900px) 33vw, 240px';

function Tile({ image, onDelete }: { image: ImageCardFragment; onDelete(): void }) {
  const nameId = `image-name-${image.id}`;
  return (
    <li class="tile">
      <Link href={paths.image(image.id)} class="tile-thumb" tabIndex={-1} aria-hidden="true">
        <Thumbnail image={image} sizes={TILE_SIZES} />
      </Link>
      <div class="tile-body">
        <div class="tile-title">
          <Link href={paths.image(image.id)} class="tile-name">
            <span id={nameId}>{image.slug}</span>
          </Link>
          <StatusBadge status={image.status} />
        </div>
        <div class="tile-meta">
          <span class="muted small">
            {image.width} × {image.height} · {image.format.toUpperCase()}
          </span>
          <button type="button" class="btn btn-ghost btn-small btn-danger-text" onClick={onDelete} aria-describedby={nameId}>
            Delete
          </button>
        </div>
      </div>
    </li>
  );
}

export function GalleryGrid({ gallery }: { gallery: Gallery }) {
  const sentinel = useRef<HTMLDivElement>(null);
  const [confirming, setConfirming] = useState<ImageCardFragment | null>(null);
  const [deletion, deleteImage] = useMutation(DashboardDeleteImageDocument);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const { images, loading, error, hasMore, loadMore } = gallery;

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !hasMore || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadMore(), { rootMargin: '600px 0px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasMore, loadMore]);

  const confirmDelete = async () => {
    if (!confirming) return;
    const result = await deleteImage({ id: confirming.id });
    const out = result.data?.deleteImage;
    if (out?.__typename === 'Deleted') {
      gallery.remove(confirming.id);
      announce(`Deleted ${confirming.slug}`);
      setConfirming(null);
      setDeleteError(null);
      invalidate('plan');
    } else setDeleteError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };

  return (
    <section class="gallery" aria-labelledby="gallery-title" aria-busy={loading}>
      <div class="section-head">
        <h2 id="gallery-title">Images</h2>
      </div>
      {error && (
        <div class="notice notice-error" role="alert">
          {error}{' '}
          <button type="button" class="btn btn-small" onClick={loadMore}>
            Retry
          </button>
        </div>
      )}
      {!loading && !error && images.length === 0 && (
        <div class="empty-state">
          <h3>No images yet</h3>
          <p class="muted">Drop photos above: each becomes WebP at 12 sizes in a second or two.</p>
        </div>
      )}
      {images.length > 0 && (
        <ul class="grid">
          {images.map((image) => (
            <Tile key={image.id} image={image} onDelete={() => setConfirming(image)} />
          ))}
        </ul>
      )}
      <div ref={sentinel} class="sentinel" />
      {hasMore && (
        <div class="load-more">
          <button type="button" class="btn" onClick={loadMore} disabled={loading}>
            {loading ? 'Loading…' : 'Load more images'}
          </button>
        </div>
      )}
      {confirming && (
        <ConfirmDialog title={`Delete ${confirming.slug}?`} confirmLabel="Delete" busy={deletion.fetching} error={deleteError} onConfirm={confirmDelete} onCancel={() => (setConfirming(null), setDeleteError(null))}>
          <p>Its 12 URLs stop working at once. This cannot be undone, and it does not give the upload back to this month’s quota.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
