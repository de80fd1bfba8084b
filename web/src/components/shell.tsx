/** The signed-in frame: top bar, the sidebar (plan, collections) and the routed page. */
import { useEffect } from 'preact/hooks';
import { ApiKeysPage } from '../pages/api-keys.tsx';
import { CollectionPage } from '../pages/collection.tsx';
import { HomePage } from '../pages/home.tsx';
import { ImagePage } from '../pages/image.tsx';
import { MembersPage } from '../pages/members.tsx';
import { NotFoundPage } from '../pages/not-found.tsx';
import { switchTeam } from '../team.ts';
import { navigate, paths, type Route } from '../router.ts';
import { useSession } from '../session.ts';
import { CollectionNav } from './collection-nav.tsx';
import { Link } from './link.tsx';
import { PlanMeter } from './plan-meter.tsx';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'collection':
      return <CollectionPage key={route.id} id={route.id} />;
    case 'image':
      return <ImagePage key={route.id} id={route.id} />;
    case 'keys':
      return <ApiKeysPage />;
    case 'members':
      return <MembersPage />;
    case 'not-found':
      return <NotFoundPage />;
    default:
      return <HomePage />;
  }
}

export function Shell({ route }: { route: Route }) {
  const { user, signOut, team, teams } = useSession();
  useEffect(() => {
    if (route.page === 'sign-in' || route.page === 'sign-up') navigate(paths.home, { replace: true });
  }, [route.page]);
  const activeCollection = route.page === 'collection' ? route.id : null;
  return (
    <div class="app">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link href={paths.home} class="brand">
          <span class="brand-mark" aria-hidden="true" />
          optimage
        </Link>
        <nav class="topnav" aria-label="Main">
          <Link href={paths.home} current={route.page === 'home' || route.page === 'collection' || route.page === 'image'}>
            Library
          </Link>
          <Link href={paths.keys} current={route.page === 'keys'}>
            API keys
          </Link>
          <Link href={paths.members} current={route.page === 'members'}>
            Members
          </Link>
        </nav>
        <select class="team-switcher" aria-label="Team" value={team.id} onChange={(e) => switchTeam((e.currentTarget as HTMLSelectElement).value)}>
          {teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.personal ? 'Personal' : t.name} · {t.role.toLowerCase()}
            </option>
          ))}
        </select>
        <div class="account">
          <span class="account-email" title={user.email}>
            {user.email}
          </span>
          <button type="button" class="btn btn-ghost btn-small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {/* on a phone, an image or the keys page gets the whole screen; the library keeps plan and collections on top */}
      <div class={route.page === 'image' || route.page === 'keys' || route.page === 'members' ? 'layout layout-focus' : 'layout'}>
        <aside class="sidebar" aria-label="Plan and collections">
          <PlanMeter />
          <CollectionNav active={activeCollection} />
        </aside>
        <main id="main" class="content" tabIndex={-1}>
          <Page route={route} />
        </main>
      </div>
    </div>
  );
}
