/** The dashboard: who is signed in decides between the sign-in pages and the console. */
import { Provider } from '@urql/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi, type Api } from './api.ts';
import { DashboardLogOutDocument, ViewerDocument } from './generated/graphql.ts';
import { Shell } from './components/shell.tsx';
import { Toast } from './components/toast.tsx';
import { AuthPage } from './pages/auth.tsx';
import { navigate, paths, useRoute } from './router.ts';
import { SessionContext, type Session, type User } from './session.ts';
import { UploadQueue } from './upload/queue.ts';

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [api, setApi] = useState<Api>(() => createApi(() => setUser(null)));
  const [failed, setFailed] = useState(false);
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

  const uploads = useMemo(() => new UploadQueue(api.client), [api]);
  useEffect(() => () => uploads.dispose(), [uploads]);

  /** A new session gets a fresh client: no cached data or open socket crosses accounts. */
  const switchSession = (next: User | null) => {
    api.dispose();
    setApi(createApi(() => setUser(null)));
    setUser(next);
  };

  const session: Session | null = useMemo(
    () =>
      user
        ? {
            user,
            uploads,
            signOut: async () => {
              await api.client.mutation(DashboardLogOutDocument, {}).toPromise();
              switchSession(null);
              navigate(paths.signIn, { replace: true });
            },
          }
        : null,
    [user, uploads, api],
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
  if (user === undefined) return <div class="center-page" aria-busy="true" />;
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
