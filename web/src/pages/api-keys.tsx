/** API keys for servers: create narrowed by scopes and expiry (the secret is shown once), list with scopes, last use and expiry, revoke. */
import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { announce } from '../components/toast.tsx';
import { formatDateTime } from '../format.ts';
import { ApiKeyListDocument, DashboardCreateApiKeyDocument, DashboardRevokeApiKeyDocument } from '../generated/graphql.ts';

const SCOPES = [
  ['images:read', 'Read images'],
  ['images:write', 'Upload and delete images'],
  ['collections:write', 'Manage collections'],
  ['webhooks:write', 'Manage webhooks'],
  ['keys:write', 'Create keys'],
] as const;

interface NewKey {
  name: string;
  key: string;
}

export function ApiKeysPage() {
  const [{ data, error, fetching }, refetch] = useQuery({ query: ApiKeyListDocument });
  const [creation, createApiKey] = useMutation(DashboardCreateApiKeyDocument);
  const [revocation, revokeApiKey] = useMutation(DashboardRevokeApiKeyDocument);
  const [created, setCreated] = useState<NewKey | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'API keys · optimage';
  }, []);
  const keys = data?.apiKeys ?? [];

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    const name = String(fields.get('name') ?? '').trim();
    if (!name) return setFormError('Give the key a name, such as the server that will use it.');
    const scopes = fields.getAll('scope').map(String);
    if (!scopes.length) return setFormError('Choose at least one scope.');
    const days = Number(fields.get('expires') ?? 0);
    const expiresAt = days ? new Date(Date.now() + days * 86_400_000).toISOString() : null;
    const result = await createApiKey({ name, scopes, expiresAt });
    const out = result.data?.createApiKey;
    if (out?.__typename === 'NewApiKey') {
      form.reset();
      setFormError(null);
      setCreated({ name: out.name, key: out.key });
      refetch({ requestPolicy: 'network-only' });
    } else setFormError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };

  const confirmRevoke = async () => {
    if (!revoking) return;
    const result = await revokeApiKey({ id: revoking.id });
    const out = result.data?.revokeApiKey;
    if (out?.__typename === 'Deleted') {
      announce(`Revoked ${revoking.name}`);
      setRevoking(null);
      setRevokeError(null);
      refetch({ requestPolicy: 'network-only' });
    } else setRevokeError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>API keys</h1>
          <p class="muted">
            Servers authenticate with <code>Authorization: Bearer &lt;key&gt;</code> on REST, GraphQL and WebSocket calls.
          </p>
        </div>
      </header>

      <section class="card" aria-labelledby="new-key-title">
        <h2 id="new-key-title">New key</h2>
        <form onSubmit={submit}>
          <label for="api-key-name" class="small-label">
            Key name
          </label>
          <div class="inline-form">
            <input id="api-key-name" name="name" maxLength={100} placeholder="e.g. web server" autocomplete="off" aria-describedby={formError ? 'api-key-error' : undefined} />
            <button type="submit" class="btn btn-primary" disabled={creation.fetching}>
              Create API key
            </button>
          </div>
          <fieldset class="scope-list">
            <legend class="small-label">Scopes (never more than your role allows)</legend>
            {SCOPES.map(([scope, label]) => (
              <label key={scope} class="scope">
                <input type="checkbox" name="scope" value={scope} defaultChecked={scope === 'images:read'} /> {label} <code class="small">{scope}</code>
              </label>
            ))}
          </fieldset>
          <label for="api-key-expires" class="small-label">
            Expires
          </label>
          <select id="api-key-expires" name="expires">
            <option value="0">Never</option>
            <option value="7">In 7 days</option>
            <option value="30">In 30 days</option>
            <option value="365">In a year</option>
          </select>
          {formError && (
            <p id="api-key-error" class="form-error" role="alert">
              {formError}
            </p>
          )}
        </form>
        {created && (
          <div class="secret" role="region" aria-labelledby="secret-title">
            <h3 id="secret-title">Copy the key “{created.name}” now</h3>
            <p class="small">It is shown only this once; optimage keeps only its hash.</p>
            <div class="secret-row">
              <code class="code code-line mono" data-testid="new-api-key" tabIndex={0}>
                {created.key}
              </code>
              <CopyButton text={created.key} what="the API key" class="btn btn-primary">
                Copy key
              </CopyButton>
            </div>
            <button type="button" class="btn btn-ghost btn-small" onClick={() => setCreated(null)}>
              I have stored it
            </button>
          </div>
        )}
      </section>

      <section class="card table-card" aria-labelledby="keys-title" aria-busy={fetching}>
        <h2 id="keys-title">Your keys</h2>
        {error && !data && <p class="form-error">{errorMessage(error)}</p>}
        {data && keys.length === 0 && (
          <div class="empty-state empty-state-compact">
            <p class="muted">No API keys yet. Create one for each server that uploads images.</p>
          </div>
        )}
        {keys.length > 0 && (
          <div class="table-scroll">
            <table class="table keys-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id}>
                    <th scope="row" id={`key-name-${k.id}`}>
                      {k.name}
                    </th>
                    <td class="mono">{k.prefix}…</td>
                    <td class="small wrap">
                      {k.scopes.join(', ')}
                      {k.collections && <span class="muted"> · {k.collections.length} collection(s)</span>}
                    </td>
                    <td>{k.expiresAt ? formatDateTime(k.expiresAt) : <span class="muted">Never</span>}</td>
                    <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : <span class="muted">Never</span>}</td>
                    <td class="actions">
                      <button type="button" class="btn btn-small btn-danger-outline" onClick={() => setRevoking({ id: k.id, name: k.name })} aria-describedby={`key-name-${k.id}`}>
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {revoking && (
        <ConfirmDialog title={`Revoke “${revoking.name}”?`} confirmLabel="Revoke" busy={revocation.fetching} error={revokeError} onConfirm={confirmRevoke} onCancel={() => (setRevoking(null), setRevokeError(null))}>
          <p>Servers using this key lose access at once, including open WebSocket subscriptions.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
