/** A few client routes on the History API; the server answers index.html for each of them. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'home' }
  | { page: 'sign-in' }
  | { page: 'sign-up' }
  | { page: 'collection'; id: string }
  | { page: 'image'; id: string }
  | { page: 'keys' }
  | { page: 'members' }
  | { page: 'not-found' };

export const paths = {
  home: '/',
  signIn: '/sign-in',
  signUp: '/sign-up',
  keys: '/keys',
  members: '/members',
  collection: (id: string) => `/collections/${encodeURIComponent(id)}`,
  image: (id: string) => `/images/${encodeURIComponent(id)}`,
};

export function parseRoute(pathname: string): Route {
  const [, first, second, ...rest] = pathname.replace(/\/+$/, '').split('/');
  if (!first) return { page: 'home' };
  if (rest.length) return { page: 'not-found' };
  if (first === 'sign-in' && !second) return { page: 'sign-in' };
  if (first === 'sign-up' && !second) return { page: 'sign-up' };
  if (first === 'keys' && !second) return { page: 'keys' };
  if (first === 'members' && !second) return { page: 'members' };
  if (first === 'collections' && second) return { page: 'collection', id: decodeURIComponent(second) };
  if (first === 'images' && second) return { page: 'image', id: decodeURIComponent(second) };
  return { page: 'not-found' };
}

const CHANGE = 'optimage:navigate';

export function navigate(path: string, { replace = false } = {}): void {
  if (path === location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return parseRoute(path);
}

/** Plain-click handler for in-app links: modified clicks (new tab) keep the browser's behaviour. */
export function followLink(event: MouseEvent): void {
  const a = (event.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(a.pathname);
}
