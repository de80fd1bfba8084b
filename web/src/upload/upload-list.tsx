/** One row per dropped file: its progress bar (bytes, then pipeline steps), then its thumbnail or the server's message. */
import { ErrorIcon, FileIcon } from '../components/icons.tsx';
import { Link } from '../components/link.tsx';
import { formatBytes } from '../format.ts';
import { Thumbnail } from '../gallery/thumbnail.tsx';
import { paths } from '../router.ts';
import { useSession } from '../session.ts';
import { describe, percentOf, type UploadItem } from './queue.ts';
import { useUploads } from './use-uploads.ts';

function Row({ item }: { item: UploadItem }) {
  const percent = percentOf(item);
  const text = describe(item);
  const failed = item.phase === 'failed';
  const messageId = `upload-${item.key}-message`;
  return (
    <li class={`upload upload-${item.phase}`}>
      <div class="upload-thumb">{item.image ? <Thumbnail image={item.image} sizes="56px" /> : failed ? <ErrorIcon /> : <FileIcon />}</div>
      <div class="upload-main">
        <div class="upload-line">
          <span class="upload-name" title={item.name}>
            {item.imageId && item.phase === 'ready' ? <Link href={paths.image(item.imageId)}>{item.name}</Link> : item.name}
          </span>
          <span class="upload-size muted small">{formatBytes(item.size)}</span>
        </div>
        {!failed && (
          <div class="progress" role="progressbar" aria-label={item.name} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={`${percent}%, ${text}`} aria-describedby={messageId}>
            <div class="progress-fill" style={{ width: `${percent}%` }} />
          </div>
        )}
        <p id={messageId} class={failed ? 'upload-message form-error' : 'upload-message muted small'}>
          {text}
        </p>
      </div>
      <span class="upload-percent small" aria-hidden="true">
        {failed ? '' : `${percent}%`}
      </span>
    </li>
  );
}

export function UploadList({ collectionId }: { collectionId: string }) {
  const { uploads } = useSession();
  const items = useUploads().filter((i) => i.collectionId === collectionId);
  if (!items.length) return null;
  const done = items.filter((i) => i.phase === 'ready').length;
  const failed = items.filter((i) => i.phase === 'failed').length;
  const finished = done + failed === items.length;
  return (
    <section class="uploads card" aria-labelledby="uploads-title">
      <div class="section-head">
        <h2 id="uploads-title">Uploads</h2>
        <p class="muted small" aria-live="polite">
          {done} of {items.length} ready{failed ? ` · ${failed} failed` : ''}
        </p>
        {finished && (
          <button type="button" class="btn btn-ghost btn-small" onClick={() => uploads.clearFinished()}>
            Clear
          </button>
        )}
      </div>
      <ul class="upload-list">
        {items.map((item) => (
          <Row key={item.key} item={item} />
        ))}
      </ul>
    </section>
  );
}
