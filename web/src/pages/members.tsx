/** The team's members: invite by email with a role (copy the link), change roles, remove. */
import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { announce } from '../components/toast.tsx';
import { formatDateTime } from '../format.ts';
import { DashboardInviteMemberDocument, DashboardMembersDocument, DashboardRemoveMemberDocument, DashboardUpdateMemberDocument, type TeamRole } from '../generated/graphql.ts';
import { useSession } from '../session.ts';

const ROLES: TeamRole[] = ['VIEWER', 'EDITOR', 'ADMIN', 'OWNER'];
const label = (r: string) => r.charAt(0) + r.slice(1).toLowerCase();

export function MembersPage() {
  const { team, user } = useSession();
  const [{ data, error }, refetch] = useQuery({ query: DashboardMembersDocument });
  const [, invite] = useMutation(DashboardInviteMemberDocument);
  const [, update] = useMutation(DashboardUpdateMemberDocument);
  const [, remove] = useMutation(DashboardRemoveMemberDocument);
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'Members · optimage';
  }, []);
  const current = data?.teams.find((t) => t.id === team.id);
  const manages = team.role === 'ADMIN' || team.role === 'OWNER';
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    const result = await invite({ teamId: team.id, email: String(fields.get('email') ?? ''), role: String(fields.get('role')) as TeamRole });
    const out = result.data?.inviteMember;
    if (out?.__typename === 'Invitation') {
      form.reset();
      setFormError(null);
      setLink({ email: out.email, url: out.url ?? '' });
      reload();
    } else setFormError(out?.__typename === 'AppError' ? out.message : errorMessage(result.error));
  };
  const change = async (userId: string, role: TeamRole) => {
    const out = (await update({ teamId: team.id, userId, role })).data?.updateMember;
    announce(out?.__typename === 'AppError' ? out.message : `Role changed to ${label(role)}`);
    reload();
  };
  const drop = async (userId: string, email: string) => {
    const out = (await remove({ teamId: team.id, userId })).data?.removeMember;
    announce(out?.__typename === 'AppError' ? out.message : `Removed ${email}`);
    reload();
  };

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>Members of {team.name}</h1>
          <p class="muted">Viewers read; editors upload and delete; admins manage collections, webhooks and members; owners also the plan.</p>
        </div>
      </header>
      {manages && (
        <section class="card" aria-labelledby="invite-title">
          <h2 id="invite-title">Invite</h2>
          <form onSubmit={submit} class="inline-form">
            <input name="email" type="email" required placeholder="colleague@example.com" aria-label="Email" autocomplete="off" />
            <select name="role" aria-label="Role" defaultValue="EDITOR">
              {ROLES.filter((r) => r !== 'OWNER' || team.role === 'OWNER').map((r) => (
                <option key={r} value={r}>
                  {label(r)}
                </option>
              ))}
            </select>
            <button type="submit" class="btn btn-primary">
              Invite
            </button>
          </form>
          {formError && (
            <p class="form-error" role="alert">
              {formError}
            </p>
          )}
          {link && (
            <div class="secret" role="region" aria-label="Invitation link">
              <p class="small">Send this link to {link.email}; it works once, for 7 days, signed in with that email.</p>
              <div class="secret-row">
                <code class="code code-line mono" data-testid="invitation-link">
                  {link.url}
                </code>
                <CopyButton text={link.url} what="the invitation link" class="btn btn-primary">
                  Copy link
                </CopyButton>
              </div>
            </div>
          )}
        </section>
      )}
      <section class="card table-card" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        {error && !data && <p class="form-error">{errorMessage(error)}</p>}
        <div class="table-scroll">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {current?.members.map((m) => (
                <tr key={m.userId}>
                  <th scope="row">{m.email}</th>
                  <td>
                    {manages && m.userId !== user.id ? (
                      <select aria-label={`Role of ${m.email}`} value={m.role} onChange={(e) => void change(m.userId, (e.currentTarget as HTMLSelectElement).value as TeamRole)}>
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {label(r)}
                          </option>
                        ))}
                      </select>
                    ) : (
                      label(m.role)
                    )}
                  </td>
                  <td>{formatDateTime(m.joinedAt)}</td>
                  <td class="actions">
                    {manages && m.userId !== user.id && (
                      <button type="button" class="btn btn-small btn-danger-outline" onClick={() => void drop(m.userId, m.email)}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              ))}
              {current?.invitations?.map((i) => (
                <tr key={i.id} class="muted">
                  <th scope="row">{i.email}</th>
                  <td>{label(i.role)} (invited)</td>
                  <td>until {formatDateTime(i.expiresAt)}</td>
                  <td />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
