/** The team the dashboard acts in (the team switcher): sent as X-Optimage-Team with every request. */
const KEY = 'optimage.team';

export function currentTeam(): string | null {
  return localStorage.getItem(KEY);
}

/** Switching teams starts over with a fresh client and page (no cached data crosses teams). */
export function switchTeam(id: string | null): void {
  if (id) localStorage.setItem(KEY, id);
  else localStorage.removeItem(KEY);
  location.assign('/');
}
