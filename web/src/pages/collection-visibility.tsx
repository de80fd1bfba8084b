/**
 * Public or private (contract §11, docs/private-delivery.md). Switching moves the collection's files
 * and changes every URL of its images, so it is confirmed first and says so. Only roles the policy
 * lets manage collections (admins, owners) may switch; the others see the setting, disabled.
 */
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { announce } from '../components/toast.tsx';
import { DashboardSetCollectionVisibilityDocument, type Visibility } from '../generated/graphql.ts';
import { invalidate } from '../refresh.ts';

const WHAT: Record<Visibility, { label: string; text: string }> = {
  PUBLIC: { label: 'Public', text: 'Anyone with an image’s URL can load it. URLs are stable and cache for good.' },
  PRIVATE: { label: 'Private', text: 'Images load only through signed URLs that expire (after an hour by default). The API and this dashboard hand out fresh ones.' },
};

export function VisibilitySetting({ id, name, visibility, canChange }: { id: string; name: string; visibility: Visibility; canChange: boolean }) {
  const [state, setVisibility] = useMutation(DashboardSetCollectionVisibilityDocument);
  const [asking, setAsking] = useState<Visibility | null>(null);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    const next = asking!;
    const result = await setVisibility({ id, visibility: next });
    const out = result.data?.updateCollection;
    if (out?.__typename === 'Collection') {
      setAsking(null);
      setError(null);
      invalidate('collections', 'images');
      announce(`${name} is now ${WHAT[next].label.toLowerCase()}`);
    } else setError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };
  return (
    <fieldset class="visibility" disabled={!canChange}>
      <legend class="small-label">Visibility</legend>
      {(['PUBLIC', 'PRIVATE'] as const).map((v) => (
        <label key={v} class="visibility-choice">
          <input type="radio" name="visibility" value={v} checked={visibility === v} onChange={() => setAsking(v)} />
          <span>
            <strong>{WHAT[v].label}</strong>
            <span class="muted small"> {WHAT[v].text}</span>
          </span>
        </label>
      ))}
      {!canChange && <p class="muted small">Only admins and owners can change this.</p>}
      {asking && (
        <ConfirmDialog
          title={asking === 'PRIVATE' ? `Make ${name} private?` : `Make ${name} public?`}
          confirmLabel={state.fetching ? 'Moving files…' : asking === 'PRIVATE' ? 'Make private' : 'Make public'}
          busy={state.fetching}
          error={error}
          onConfirm={confirm}
          onCancel={() => (setAsking(null), setError(null))}
        >
          {asking === 'PRIVATE' ? (
            <>
              <p>Its files move to private storage: a moment for a few images, longer for many. The images stay ready meanwhile.</p>
              <p>Once done, today’s public URLs stop working, so pages that embed them break. Every URL the API gives out (src, srcset, sizes, named variants) is signed and expires.</p>
            </>
          ) : (
            <>
              <p>Its files move back to public storage: a moment for a few images, longer for many.</p>
              <p>Once done, signed URLs stop working and anyone with an image’s URL can load it. Reprocess the collection to make its named variants again.</p>
            </>
          )}
        </ConfirmDialog>
      )}
    </fieldset>
  );
}
