/**
 * The signed-in session, kept for the browser tab only (sessionStorage): closing the tab signs out. The token's
 * expiry (or a 401 from the API, e.g. after the platform clock moved) sends back to the sign-in page with a message.
 */
export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly adresse: string;
}

const KEY = 'factures-travaux.session';
const STRUCTURE_KEY = 'factures-travaux.structure';

export type SignOutReason = 'expiree' | 'deconnexion';

type Listener = (session: Session | undefined, reason?: SignOutReason) => void;
const listeners = new Set<Listener>();

export function readSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Session;
    return typeof s.token === 'string' && typeof s.expiresAt === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  for (const l of listeners) l(session);
}

export function clearSession(reason: SignOutReason): void {
  const had = sessionStorage.getItem(KEY) !== null;
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(STRUCTURE_KEY);
  if (had) for (const l of listeners) l(undefined, reason);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function readStructure(): string | undefined {
  return sessionStorage.getItem(STRUCTURE_KEY) ?? undefined;
}

export function saveStructure(siret: string): void {
  sessionStorage.setItem(STRUCTURE_KEY, siret);
}
