/** What every signed-in page may use: the user, their upload queue, and signing out. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { UploadQueue } from './upload/queue.ts';

export interface User {
  id: string;
  email: string;
  plan: string;
}

export interface Session {
  user: User;
  uploads: UploadQueue;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
