/** One collection: rename or delete it, drop photos into it, browse its images. */
import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { VariantsEditor } from '../art/variants-editor.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Link } from '../components/link.tsx';
import { announce } from '../components/toast.tsx';
import { GalleryGrid } from '../gallery/gallery-grid.tsx';
import { useGallery } from '../gallery/use-gallery.ts';
import { CollectionListDocument, DashboardDeleteCollectionDocument, DashboardRenameCollectionDocument, PlanDocument } from '../generated/graphql.ts';
import { invalidate } from '../refresh.ts';
import { navigate, paths } from '../router.ts';
import { useSession } from '../session.ts';
import { setDirectToBucket } from '../upload/choose-transport.ts';
import { DropZone } from '../upload/drop-zone.tsx';
import { UploadList } from '../upload/upload-list.tsx';
import { QualitySelect } from './collection-quality.tsx';
import { VisibilitySetting } from './collection-visibility.tsx';

function RenameForm({ id, name, onDone }: { id: string; name: string; onDone(): void }) {
  const [rename, renameCollection] = useMutation(DashboardRenameCollectionDocument);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const next = String(new FormData(event.currentTarget as HTMLFormElement).get('name') ?? '').trim();
    if (!next || next === name) return onDone();
    const result = await renameCollection({ id, name: next });
    const out = result.data?.renameCollection;
    if (out?.__typename === 'Collection') {
      invalidate('collections');
      announce(`Renamed to ${out.name}`);
      onDone();
    } else setError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };
  return (
    <form class="rename-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <label for="rename-collection" class="small-label">
        New name
      </label>
      <div class="inline-form">
        <input id="rename-collection" name="name" defaultValue={name} maxLength={100} autofocus autocomplete="off" />
        <button type="submit" class="btn btn-primary" disabled={rename.fetching}>
          Save
        </button>
        <button type="button" class="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function CollectionPage({ id }: { id: string }) {
  const { uploads, team } = useSession();
  const [{ data, fetching }] = useQuery({ query: CollectionListDocument });
  const [{ data: plan }] = useQuery({ query: PlanDocument });
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deletion, deleteCollection] = useMutation(DashboardDeleteCollectionDocument);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const gallery = useGallery(id);
  const collection = data?.collections.find((c) => c.id === id);
  useEffect(() => {
    if (collection) document.title = `${collection.name} · optimage`;
  }, [collection?.name]);
  const toBucket = plan?.config.directUploadsToBucket ?? false;
  useEffect(() => setDirectToBucket(toBucket), [toBucket]);

  if (!collection) {
    if (!data && fetching) return <div aria-busy="true" />;
    return (
      <section class="empty-state">
        <h1>Collection not found</h1>
        <p class="muted">It may have been deleted.</p>
        <Link href={paths.home} class="btn">
          Back to the library
        </Link>
      </section>
    );
  }

  const confirmDelete = async () => {
    const result = await deleteCollection({ id });
    const out = result.data?.deleteCollection;
    if (out?.__typename === 'Deleted') {
      announce(`Deleted the collection ${collection.name}`);
      invalidate('collections');
      navigate(paths.home, { replace: true });
    } else setDeleteError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };

  return (
    <div class="page">
      <header class="page-head">
        {renaming ? (
          <RenameForm id={id} name={collection.name} onDone={() => setRenaming(false)} />
        ) : (
          <>
            <div>
              <p class="eyebrow">Collection</p>
              <h1>{collection.name}</h1>
              <p class="muted small mono">{collection.id}</p>
            </div>
            <div class="page-actions">
              <QualitySelect id={id} quality={collection.quality as number | 'auto'} />
              <button type="button" class="btn" onClick={() => setRenaming(true)}>
                Rename
              </button>
              <button type="button" class="btn btn-danger-outline" onClick={() => setDeleting(true)}>
                Delete collection
              </button>
            </div>
          </>
        )}
      </header>
      <section class="card collection-settings" aria-label="Collection settings">
        <VisibilitySetting id={id} name={collection.name} visibility={collection.visibility} canChange={team.role === 'ADMIN' || team.role === 'OWNER'} />
      </section>
      {(team.role === 'ADMIN' || team.role === 'OWNER') && (
        <details class="card art-settings">
          <summary>Named variants and colour</summary>
          <VariantsEditor id={id} />
        </details>
      )}
      {team.role !== 'VIEWER' && <DropZone maxUploadBytes={plan?.config.maxUploadBytes ?? null} onFiles={(files) => uploads.add(files, id)} />}
      <UploadList collectionId={id} />
      <GalleryGrid gallery={gallery} />
      {deleting && (
        <ConfirmDialog title={`Delete ${collection.name}?`} confirmLabel="Delete" busy={deletion.fetching} error={deleteError} onConfirm={confirmDelete} onCancel={() => (setDeleting(false), setDeleteError(null))}>
          <p>All its images and their URLs are removed for good.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
