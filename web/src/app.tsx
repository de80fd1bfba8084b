/** The dashboard: who is signed in decides between the sign-in pages and the console. */
import { Provider } from '@urql/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi, type Api } from './api.ts';
import { DashboardAcceptInvitationDocument, DashboardLogOutDocument, DashboardTeamsDocument, ViewerDocument } from './generated/graphql.ts';
import { Shell } from './components/shell.tsx';
import { Toast, announce } from './components/toast.tsx';
import { AuthPage } from './pages/auth.tsx';
import { navigate, paths, useRoute } from './router.ts';
import { SessionContext, type CurrentTeam, type Session, type User } from './session.ts';
import { currentTeam, switchTeam } from './team.ts';
import { UploadQueue } from './upload/queue.ts';

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [api, setApi] = useState<Api>(() => createApi(() => setUser(null)));
  const [failed, setFailed] = useState(false);
  const [teams, setTeams] = useState<CurrentTeam[] | null>(null);
  const route = useRoute();

  useEffect(() => {
    if (user !== undefined) return;
    void api.client
      .query(ViewerDocument, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (result.error?.networkError) return setFailed(true);
        setUser(result.data?.me ?? null);
      });
  }, [api, user]);

  // the viewer's teams (the switcher), after accepting an invitation the page was opened with
  useEffect(() => {
    if (!user) return;
    void (async () => {
      const token = new URLSearchParams(location.search).get('invitation');
      if (token) {
        const accepted = (await api.client.mutation(DashboardAcceptInvitationDocument, { token }).toPromise()).data?.acceptInvitation;
        history.replaceState(null, '', location.pathname);
        if (accepted?.__typename === 'Team') return switchTeam(accepted.id);
        announce(accepted?.__typename === 'AppError' ? accepted.message : 'The invitation could not be accepted');
      }
      const result = await api.client.query(DashboardTeamsDocument, {}, { requestPolicy: 'network-only' }).toPromise();
      const list = (result.data?.teams ?? []) as CurrentTeam[];
      if (currentTeam() && !list.some((t) => t.id === currentTeam())) return switchTeam(null); // left, or removed
      setTeams(list);
    })();
  }, [api, user]);

  const uploads = useMemo(() => new UploadQueue(api.client), [api]);
  useEffect(() => () => uploads.dispose(), [uploads]);

  /** A new session gets a fresh client: no cached data or open socket crosses accounts. */
  const switchSession = (next: User | null) => {
    localStorage.removeItem('optimage.team'); // a team of the last account means nothing to the next
    setTeams(null);
    api.dispose();
    setApi(createApi(() => setUser(null)));
    setUser(next);
  };

  const team = teams?.find((t) => t.id === currentTeam()) ?? teams?.find((t) => t.personal) ?? teams?.[0];
  const session: Session | null = useMemo(
    () =>
      user && team && teams
        ? {
            user,
            team,
            teams,
            uploads,
            signOut: async () => {
              await api.client.mutation(DashboardLogOutDocument, {}).toPromise();
              switchSession(null);
              navigate(paths.signIn, { replace: true });
            },
          }
        : null,
    [user, uploads, api, team, teams],
  );

  if (failed) {
    return (
      <main class="center-page">
        <div class="card narrow">
          <h1>optimage is not reachable</h1>
          <p class="muted">The server did not answer. It may be restarting.</p>
          <button type="button" class="btn btn-primary" onClick={() => location.reload()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (user === undefined || (user && !session)) return <div class="center-page" aria-busy="true" />;
  if (!session) {
    return (
      <Provider value={api.client}>
        <AuthPage
          mode={route.page === 'sign-up' ? 'sign-up' : 'sign-in'}
          onSignedIn={(u) => {
            switchSession(u);
            if (route.page === 'sign-in' || route.page === 'sign-up') navigate(paths.home, { replace: true });
          }}
        />
        <Toast />
      </Provider>
    );
  }
  return (
    <Provider value={api.client}>
      <SessionContext.Provider value={session}>
        <Shell route={route} />
        <Toast />
      </SessionContext.Provider>
    </Provider>
  );
}
