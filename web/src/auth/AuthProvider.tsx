import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import type { PortalConfig } from './config';
import { oidcSignOut } from './oidc';
import { clearSession, onSessionChange, readSession, type Session, type SignOutReason } from './session';

interface AuthState {
  readonly config: PortalConfig;
  readonly session: Session | undefined;
  /** Why the last session ended, for the sign-in page. */
  readonly endedBecause: SignOutReason | undefined;
  signOut(): void;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

export function AuthProvider({ config, children }: { config: PortalConfig; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | undefined>(() => readSession());
  const [endedBecause, setEndedBecause] = useState<SignOutReason | undefined>();

  useEffect(
    () =>
      onSessionChange((s, reason) => {
        setSession(s);
        if (!s) {
          setEndedBecause(reason);
          queryClient.clear();
        } else setEndedBecause(undefined);
      }),
    [queryClient],
  );

  // The token's own expiry ends the session even when no request is made.
  useEffect(() => {
    if (!session) return;
    const ms = new Date(session.expiresAt).getTime() - Date.now();
    if (ms <= 0) {
      clearSession('expiree');
      return;
    }
    const timer = window.setTimeout(() => clearSession('expiree'), Math.min(ms, 2_147_483_647));
    return () => window.clearTimeout(timer);
  }, [session]);

  const signOut = () => {
    if (config.auth.mode === 'oidc') void oidcSignOut(config.auth);
    clearSession('deconnexion');
  };

  return <AuthContext.Provider value={{ config, session, endedBecause, signOut }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth hors de AuthProvider');
  return value;
}
