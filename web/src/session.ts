/** What every signed-in page may use: the user, their team and role, their upload queue, and signing out. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { UploadQueue } from './upload/queue.ts';

export interface User {
  id: string;
  email: string;
  plan: string;
}

/** The team the dashboard acts in, and the viewer's role there (what each page offers follows it). */
export interface CurrentTeam {
  id: string;
  name: string;
  role: 'VIEWER' | 'EDITOR' | 'ADMIN' | 'OWNER';
  personal: boolean;
}

export interface Session {
  user: User;
  team: CurrentTeam;
  teams: CurrentTeam[];
  uploads: UploadQueue;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
