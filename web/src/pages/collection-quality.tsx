/** The collection's quality (docs/quality.md): a number, or "auto" — chosen per image with SSIMULACRA 2. */
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { announce } from '../components/toast.tsx';
import { DashboardSetCollectionQualityDocument } from '../generated/graphql.ts';
import { invalidate } from '../refresh.ts';

const CHOICES: { value: string; label: string }[] = [
  { value: 'auto', label: 'Auto (per image)' },
  ...[95, 90, 85, 80, 75, 70, 60, 50].map((q) => ({ value: String(q), label: q === 80 ? '80 (default)' : String(q) })),
];

export function QualitySelect({ id, quality }: { id: string; quality: number | 'auto' }) {
  const [state, setQuality] = useMutation(DashboardSetCollectionQualityDocument);
  const [error, setError] = useState<string | null>(null);
  const current = String(quality);
  const choices = CHOICES.some((c) => c.value === current) ? CHOICES : [...CHOICES, { value: current, label: current }];
  const change = async (event: Event) => {
    const value = (event.currentTarget as HTMLSelectElement).value;
    const result = await setQuality({ id, quality: value === 'auto' ? 'auto' : Number(value) });
    const out = result.data?.updateCollection;
    if (out?.__typename === 'Collection') {
      setError(null);
      invalidate('collections');
      announce(value === 'auto' ? 'Quality: auto, chosen per image' : `Quality: ${value}`);
    } else setError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };
  return (
    <div class="quality-select">
      <label for="collection-quality" class="small-label">
        Quality
      </label>
      <select id="collection-quality" value={current} disabled={state.fetching} onChange={change}>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
