/** One image: its 12 sizes (dimensions, bytes, saving against the original) and copyable delivery snippets. */
import { useMutation, useQuery, useSubscription } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { FocalPicker } from '../art/focal-picker.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { Link } from '../components/link.tsx';
import { announce } from '../components/toast.tsx';
import { FULL_SIZE, imgTag, pictureSnippet, srcOf, srcsetOf, variantsOf } from '../delivery.ts';
import { formatBytes, formatDateTime, formatSaving } from '../format.ts';
import { StatusBadge } from '../gallery/status-badge.tsx';
import { Thumbnail } from '../gallery/thumbnail.tsx';
import { CollectionListDocument, DashboardDeleteImageDocument, ImageDetailDocument, UploadProgressDocument } from '../generated/graphql.ts';
import { isFailed, isFinal, isReady, stepLabel } from '../image-status.ts';
import { invalidate } from '../refresh.ts';
import { navigate, paths } from '../router.ts';

function Snippet({ title, code, what, block }: { title: string; code: string | null; what: string; block?: boolean }) {
  return (
    <div class="snippet">
      <div class="snippet-head">
        <h3>{title}</h3>
        <CopyButton text={code} what={what} class="btn btn-small" />
      </div>
      {/* focusable: a long snippet scrolls, and keyboard users must be able to scroll it */}
      {block ? (
        <pre class="code" tabIndex={0}>
          {code}
        </pre>
      ) : (
        <code class="code code-line" tabIndex={0}>
          {code}
        </code>
      )}
    </div>
  );
}

/** Live progress while the image is still processing; refetches the image when it is done. */
function Processing({ id, onDone }: { id: string; onDone(): void }) {
  const [{ data }] = useSubscription({ query: UploadProgressDocument, variables: { id } });
  const event = data?.imageStatus;
  useEffect(() => {
    if (event && isFinal(event.status)) onDone();
  }, [event?.status]);
  const progress = event?.progress ?? 0;
  return (
    <div class="notice">
      <p>{event ? `${stepLabel(event.step)}…` : 'Processing…'}</p>
      <div class="progress" role="progressbar" aria-label="Processing" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress}>
        <div class="progress-fill" style={{ width: `${progress}%` }} />
      </div>
    </div>
  );
}

export function ImagePage({ id }: { id: string }) {
  const [{ data, error, fetching }, refetch] = useQuery({ query: ImageDetailDocument, variables: { id }, requestPolicy: 'network-only' });
  const [{ data: list }] = useQuery({ query: CollectionListDocument });
  const [confirming, setConfirming] = useState(false);
  const [deletion, deleteImage] = useMutation(DashboardDeleteImageDocument);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const image = data?.image;
  useEffect(() => {
    if (image) document.title = `${image.slug} · optimage`;
  }, [image?.slug]);

  if (!image) {
    if (fetching) return <div aria-busy="true" />;
    return (
      <section class="empty-state">
        <h1>{error ? 'Could not load the image' : 'Image not found'}</h1>
        <p class="muted">{error ? errorMessage(error) : 'It may have been deleted.'}</p>
        <Link href={paths.home} class="btn">
          Back to the library
        </Link>
      </section>
    );
  }
  const collection = list?.collections.find((c) => c.id === image.collectionId);
  const variants = variantsOf(image);
  const alt = image.slug.replaceAll('-', ' ');
  const sizeName = (size: number) => (size === FULL_SIZE ? 'Full size' : `${size}w`);

  const confirmDelete = async () => {
    const result = await deleteImage({ id });
    const out = result.data?.deleteImage;
    if (out?.__typename === 'Deleted') {
      announce(`Deleted ${image.slug}`);
      invalidate('images', 'plan');
      navigate(paths.collection(image.collectionId), { replace: true });
    } else setDeleteError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };

  return (
    <div class="page">
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <ol>
          <li>
            <Link href={paths.collection(image.collectionId)}>{collection?.name ?? 'Collection'}</Link>
          </li>
          <li aria-current="page">{image.slug}</li>
        </ol>
      </nav>
      <header class="page-head">
        <div>
          <h1 class="title-with-badge">
            {image.slug} <StatusBadge status={image.status} />
          </h1>
          <p class="muted small">
            {image.width} × {image.height} · {image.format.toUpperCase()} · {formatBytes(image.bytes)} original · uploaded {formatDateTime(image.createdAt)}
          </p>
        </div>
        <div class="page-actions">
          <button type="button" class="btn btn-danger-outline" onClick={() => setConfirming(true)}>
            Delete
          </button>
        </div>
      </header>

      {!isFinal(image.status) && <Processing id={id} onDone={() => refetch({ requestPolicy: 'network-only' })} />}
      {isFailed(image.status) && (
        <div class="notice notice-error" role="alert">
          Processing failed: {image.error ?? 'unknown error'}
        </div>
      )}

      {isReady(image.status) && (
        <div class="detail-grid">
          <figure class="preview card">
            <Thumbnail image={image} sizes="(max-width: 1000px) 100vw, 560px" alt={alt} />
            <figcaption class="muted small">Preview from the srcset below, as a browser would pick it.</figcaption>
          </figure>
          <section class="snippets" aria-labelledby="snippets-title">
            <h2 id="snippets-title">Use it</h2>
            <Snippet title="src" code={srcOf(image)} what="src" />
            <Snippet title="srcset" code={srcsetOf(image)} what="srcset" block />
            <Snippet title="<img>" code={imgTag(image, alt)} what="<img>" block />
            <Snippet title="<picture>" code={pictureSnippet(image, alt)} what="<picture>" block />
          </section>
        </div>
      )}

      {isReady(image.status) && <FocalPicker id={id} />}

      {variants.length > 0 && (
        <section class="card table-card" aria-labelledby="sizes-title">
          <h2 id="sizes-title">All {variants.length} sizes</h2>
          <div class="table-scroll">
            <table class="table sizes-table">
              <thead>
                <tr>
                  <th scope="col">Size</th>
                  <th scope="col">Dimensions</th>
                  <th scope="col" class="num">
                    File size
                  </th>
                  <th scope="col" class="num">
                    vs original
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">URL</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {variants.map((v) => (
                  <tr key={v.size}>
                    <th scope="row">{sizeName(v.size)}</th>
                    <td class="dims">
                      {v.width} × {v.height}
                    </td>
                    <td class="num bytes">{formatBytes(v.bytes)}</td>
                    <td class={v.bytes <= image.bytes ? 'num saving' : 'num growth'}>{formatSaving(v.bytes, image.bytes)}</td>
                    <td class="actions">
                      <a href={v.url} class="btn btn-ghost btn-small" target="_blank" rel="noopener" aria-label={`Open ${sizeName(v.size)}`}>
                        Open
                      </a>
                      <CopyButton text={v.url} what={`the ${sizeName(v.size)} URL`} label={`Copy URL of ${sizeName(v.size)}`} class="btn btn-small">
                        Copy URL
                      </CopyButton>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      <section class="card facts" aria-labelledby="facts-title">
        <h2 id="facts-title">Details</h2>
        <dl>
          <dt>Image id</dt>
          <dd class="mono">{image.id}</dd>
          <dt>SHA-256 of the original</dt>
          <dd class="mono break">{image.checksum}</dd>
          <dt>Collection</dt>
          <dd class="mono">{image.collectionId}</dd>
        </dl>
      </section>

      {confirming && (
        <ConfirmDialog title={`Delete ${image.slug}?`} confirmLabel="Delete" busy={deletion.fetching} error={deleteError} onConfirm={confirmDelete} onCancel={() => (setConfirming(false), setDeleteError(null))}>
          <p>Its {variants.length || 12} URLs stop working at once. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
