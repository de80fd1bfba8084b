/**
 * A collection's art direction settings (contract §13): its named variants (up to 20 boxes with a
 * fit), the metadata its files keep and their colour profile. Saving applies to new uploads;
 * reprocessing the collection applies it to the images it already has.
 */
import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { announce } from '../components/toast.tsx';
import { CollectionArtSettingsDocument, DashboardUpdateArtDocument, type ColorProfile, type FitMode, type MetadataPolicy } from '../generated/graphql.ts';

interface Row {
  name: string;
  width: number;
  height: number;
  fit: FitMode;
}

const MAX = 20;
const FITS: { value: FitMode; label: string }[] = [
  { value: 'COVER', label: 'Cover (crop)' },
  { value: 'CONTAIN', label: 'Contain (letterbox)' },
  { value: 'INSIDE', label: 'Inside (fit)' },
];

export function VariantsEditor({ id }: { id: string }) {
  const [{ data }] = useQuery({ query: CollectionArtSettingsDocument, variables: { id } });
  const [saving, update] = useMutation(DashboardUpdateArtDocument);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [metadata, setMetadata] = useState<MetadataPolicy>('NONE');
  const [colorProfile, setColorProfile] = useState<ColorProfile>('SRGB');
  const [error, setError] = useState<string | null>(null);
  const collection = data?.collection;
  useEffect(() => {
    if (!collection || rows) return;
    setRows(collection.variants.map(({ name, width, height, fit }) => ({ name, width, height, fit })));
    setMetadata(collection.metadata);
    setColorProfile(collection.colorProfile);
  }, [collection?.id]);
  if (!rows) return <div aria-busy="true" />;

  const change = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(null);
    const result = await update({ id, variants: rows, metadata, colorProfile });
    const out = result.data?.updateCollection;
    if (out?.__typename === 'Collection') announce('Saved: new uploads get these variants; reprocess the collection for the images it has');
    else setError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };

  return (
    <form class="variants-editor" onSubmit={save} aria-label="Named variants">
      <p class="muted small">
        Files at <code>{'{baseUrl}/{collectionId}/{name}/{slug}.webp'}</code>, never enlarged. Cover crops center on each image's focal point.
      </p>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Width</th>
            <th scope="col">Height</th>
            <th scope="col">Fit</th>
            <th scope="col">
              <span class="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <td>
                <input aria-label={`Name of variant ${i + 1}`} value={row.name} pattern="[a-z][a-z0-9\-]{0,31}" required onInput={(e) => change(i, { name: e.currentTarget.value })} />
              </td>
              <td>
                <input aria-label={`Width of variant ${i + 1}`} type="number" min={1} max={8192} value={row.width} required onInput={(e) => change(i, { width: Number(e.currentTarget.value) })} />
              </td>
              <td>
                <input aria-label={`Height of variant ${i + 1}`} type="number" min={1} max={8192} value={row.height} required onInput={(e) => change(i, { height: Number(e.currentTarget.value) })} />
              </td>
              <td>
                <select aria-label={`Fit of variant ${i + 1}`} value={row.fit} onChange={(e) => change(i, { fit: e.currentTarget.value as FitMode })}>
                  {FITS.map((f) => (
                    <option key={f.value} value={f.value}>
                      {f.label}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <button type="button" class="btn btn-ghost btn-small" aria-label={`Remove variant ${row.name || i + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="inline-form">
        <button type="button" class="btn" disabled={rows.length >= MAX} onClick={() => setRows([...rows, { name: `variant-${rows.length + 1}`, width: 400, height: 400, fit: 'COVER' }])}>
          Add variant
        </button>
        <label class="small-label">
          Metadata{' '}
          <select value={metadata} onChange={(e) => setMetadata(e.currentTarget.value as MetadataPolicy)}>
            <option value="NONE">None</option>
            <option value="COPYRIGHT">Copyright and artist only</option>
          </select>
        </label>
        <label class="small-label">
          Colour{' '}
          <select value={colorProfile} onChange={(e) => setColorProfile(e.currentTarget.value as ColorProfile)}>
            <option value="SRGB">sRGB</option>
            <option value="WIDE">Wide gamut kept (Display P3)</option>
          </select>
        </label>
        <button type="submit" class="btn btn-primary" disabled={saving.fetching}>
          Save settings
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
