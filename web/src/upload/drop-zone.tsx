/**
 * Where files come in: drop them on the zone, or pick them with "Upload" (or by clicking the zone).
 * The file input itself carries the label "Drop images here", so assistive tech and tests find it.
 */
import { useRef, useState } from 'preact/hooks';
import { UploadIcon } from '../components/icons.tsx';
import { formatBytes } from '../format.ts';

interface Props {
  maxUploadBytes: number | null;
  onFiles(files: File[]): void;
}

export function DropZone({ maxUploadBytes, onFiles }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const take = (list: FileList | null | undefined) => {
    const files = Array.from(list ?? []);
    if (files.length) onFiles(files);
  };
  return (
    <div
      class={dragging ? 'dropzone dropzone-active' : 'dropzone'}
      onDragEnter={(e) => (e.preventDefault(), setDragging(true))}
      onDragOver={(e) => {
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        take(e.dataTransfer?.files);
      }}
    >
      <input
        ref={input}
        class="dropzone-input"
        type="file"
        multiple
        accept="image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,.heic,.heif,image/avif,image/tiff"
        aria-label="Drop images here"
        tabIndex={-1}
        onChange={(e) => {
          const el = e.currentTarget as HTMLInputElement;
          take(el.files);
          el.value = ''; // picking the same file again is a new upload
        }}
      />
      <div class="dropzone-icon">
        <UploadIcon />
      </div>
      <p class="dropzone-title">Drop images here</p>
      <p class="dropzone-hint">JPEG, PNG, WebP, GIF, HEIC, AVIF or TIFF{maxUploadBytes ? `, up to ${formatBytes(maxUploadBytes)} each` : ''}. Many at once is fine.</p>
      <button type="button" class="btn btn-primary dropzone-button" onClick={() => input.current?.click()}>
        Upload
      </button>
    </div>
  );
}
