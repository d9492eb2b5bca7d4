import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { api, type components } from '../api/client';
import { ApiError, unwrap } from '../api/problem';
import { readSession, readStructure, saveStructure } from '../auth/session';

type Moi = components['schemas']['Moi'];
export type MonRattachement = components['schemas']['MonRattachement'];

interface StructureState {
  readonly moi: Moi;
  /** The structures the user may act for (approved attachments). */
  readonly structures: readonly MonRattachement[];
  /** The structure chosen in the header (sent as X-Structure-Siret), undefined when the user has none. */
  readonly current: MonRattachement | undefined;
  select(siret: string): void;
}

const StructureContext = createContext<StructureState | undefined>(undefined);

const RECORDED_KEY = 'factures-travaux.connexion-enregistree';

/**
 * Records the sign-in once per session (`POST /v1/moi/connexions`), before the first read of the account, so that
 * the header shows the sign-in before this one (« Dernière connexion le … »). A failure never blocks the portal.
 */
async function recordSignInOnce(): Promise<void> {
  const token = readSession()?.token;
  if (!token || sessionStorage.getItem(RECORDED_KEY) === token.slice(-24)) return;
  sessionStorage.setItem(RECORDED_KEY, token.slice(-24));
  await api
    .POST('/v1/moi/connexions', { params: { header: { 'Idempotency-Key': crypto.randomUUID() } } })
    .catch(() => undefined);
}

export const moiQuery = {
  queryKey: ['moi'],
  queryFn: async () => {
    await recordSignInOnce();
    return unwrap(await api.GET('/v1/moi'));
  },
} as const;

/** Loads the signed-in user and keeps the structure picked in the header (per tab). */
export function StructureProvider({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const queryClient = useQueryClient();
  const moi = useQuery(moiQuery);
  const [chosen, setChosen] = useState<string | undefined>(() => readStructure());
  // Everything shown belongs to the structure: read it again for the new one, once the screens have moved to it.
  // Invalidating at the pick itself read the previous structure's lists again, naming the new one in
  // X-Structure-Siret (a request for one structure acting as another).
  const shown = useRef(chosen);
  useEffect(() => {
    if (shown.current === chosen) return;
    shown.current = chosen;
    void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'moi' });
  }, [chosen, queryClient]);
  const value = useMemo<StructureState | undefined>(() => {
    if (!moi.data) return undefined;
    const structures = moi.data.structures.filter((s) => s.statut === 'ACCEPTE');
    const current = structures.find((s) => s.siret === chosen) ?? structures[0];
    if (current && current.siret !== readStructure()) saveStructure(current.siret);
    return {
      moi: moi.data,
      structures,
      current,
      select: (siret: string) => {
        saveStructure(siret);
        setChosen(siret);
      },
    };
  }, [moi.data, chosen]);
  // A 401 has already ended the session (api/client.ts): the sign-in page takes over.
  if (moi.error && !(moi.error instanceof ApiError && moi.error.status === 401)) throw moi.error;
  if (!value) return <>{fallback}</>;
  return <StructureContext.Provider value={value}>{children}</StructureContext.Provider>;
}

export function useStructure(): StructureState {
  const value = useContext(StructureContext);
  if (!value) throw new Error('useStructure hors de StructureProvider');
  return value;
}

/** The SIRET of the structure picked in the header; screens that need one render a notice when there is none. */
export function useSiret(): string | undefined {
  return useStructure().current?.siret;
}
