/** `/`: opens the newest collection, or explains the first step when there is none. */
import { useQuery } from '@urql/preact';
import { useEffect } from 'preact/hooks';
import { CollectionListDocument } from '../generated/graphql.ts';
import { navigate, paths } from '../router.ts';

export function HomePage() {
  const [{ data }] = useQuery({ query: CollectionListDocument });
  const first = data?.collections[0];
  useEffect(() => {
    document.title = 'Library · optimage';
    if (first) navigate(paths.collection(first.id), { replace: true });
  }, [first?.id]);
  if (!data || first) return <div aria-busy="true" />;
  return (
    <section class="empty-state empty-state-large">
      <div class="empty-illustration" aria-hidden="true" />
      <h1>Create your first collection</h1>
      <p class="muted">
        Collections group images and give them their URLs: <code>/cdn/&lt;collection&gt;/&lt;size&gt;/&lt;slug&gt;.webp</code>. Name one to start uploading.
      </p>
      <button type="button" class="btn btn-primary" onClick={() => document.getElementById('new-collection-name')?.focus()}>
        Name a collection
      </button>
    </section>
  );
}
