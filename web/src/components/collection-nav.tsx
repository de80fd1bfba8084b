/** The collections list (switching) and the form that creates one. */
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { CollectionListDocument, DashboardCreateCollectionDocument } from '../generated/graphql.ts';
import { invalidate, useInvalidation } from '../refresh.ts';
import { navigate, paths } from '../router.ts';
import { Link } from './link.tsx';

export function CollectionNav({ active }: { active: string | null }) {
  const [{ data, error }, refetch] = useQuery({ query: CollectionListDocument });
  useInvalidation('collections', () => refetch({ requestPolicy: 'network-only' }));
  const [create, createCollection] = useMutation(DashboardCreateCollectionDocument);
  const [formError, setFormError] = useState<string | null>(null);
  const collections = data?.collections ?? [];

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (!name) return setFormError('Give the collection a name.');
    const result = await createCollection({ name });
    const made = result.data?.createCollection;
    if (made?.__typename === 'Collection') {
      form.reset();
      setFormError(null);
      invalidate('collections');
      navigate(paths.collection(made.id));
    } else setFormError(made?.__typename === 'AppError' ? made.message : errorMessage(result.error));
  };

  return (
    <section class="collections" aria-labelledby="collections-title">
      <h2 id="collections-title" class="section-label">
        Collections
      </h2>
      {error && !data && <p class="form-error">{errorMessage(error)}</p>}
      {data && collections.length === 0 && <p class="muted small">No collections yet.</p>}
      {collections.length > 0 && (
        <ul class="collection-list">
          {collections.map((c) => (
            <li key={c.id}>
              <Link href={paths.collection(c.id)} class="collection-link" current={c.id === active}>
                <span class="collection-dot" aria-hidden="true" />
                <span class="collection-name">{c.name}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <form class="new-collection" onSubmit={submit}>
        <label for="new-collection-name" class="small-label">
          Collection name
        </label>
        <div class="inline-form">
          <input id="new-collection-name" name="name" maxLength={100} placeholder="e.g. Blog photos" autocomplete="off" aria-invalid={formError ? true : undefined} aria-describedby={formError ? 'new-collection-error' : undefined} />
          <button type="submit" class="btn btn-primary" disabled={create.fetching}>
            Create collection
          </button>
        </div>
        {formError && (
          <p id="new-collection-error" class="form-error" role="alert">
            {formError}
          </p>
        )}
      </form>
    </section>
  );
}
