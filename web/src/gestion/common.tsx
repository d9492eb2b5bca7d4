import './gestion.css';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, type components } from '../api/client';
import { ApiError, unwrap } from '../api/problem';

/** What the administration screens share: labels, request headers, the SIRET checked as typed, field errors. */

export type Structure = components['schemas']['Structure'];
export type Membre = components['schemas']['Membre'];
export type Espace = components['schemas']['Espace'];
export type ModeEspace = components['schemas']['ModeEspace'];
export type Role = Membre['role'];

export const ESPACES: readonly Espace[] = ['FACTURES_TRAVAUX', 'FACTURES_A_VALIDER'];

export const ESPACE_LABEL: Record<Espace, string> = {
  FACTURES_TRAVAUX: 'Factures de travaux',
  FACTURES_A_VALIDER: 'Factures à valider',
};

export const MODE_LABEL: Record<ModeEspace, string> = { CONSULTATION: 'Consultation', MODIFICATION: 'Modification' };

export const ROLE_LABEL: Record<Role, string> = {
  GESTIONNAIRE_PRINCIPAL: 'Gestionnaire principal',
  GESTIONNAIRE_SECONDAIRE: 'Gestionnaire secondaire',
  UTILISATEUR: 'Utilisateur',
};

export const STATUT_LABEL: Record<Membre['statut'], string> = {
  EN_ATTENTE: 'Demande en attente',
  ACCEPTE: 'Rattaché',
  REFUSE: 'Demande refusée',
};

export const PARAMETRES: readonly [keyof Structure['parametresAnnuaire'], string][] = [
  ['codeServiceObligatoire', 'Code service obligatoire'],
  ['engagementObligatoire', 'Numéro d’engagement juridique obligatoire'],
  ['moaPresente', 'Maîtrise d’ouvrage présente'],
  ['statutMiseEnPaiementRemonte', 'Statut « mise en paiement » remonté'],
];

export const ouiNon = (b: boolean): string => (b ? 'Oui' : 'Non');

/** A fresh Idempotency-Key per submission: a retried request replays it, a new click is a new submission. */
export const idempotency = () => ({ 'Idempotency-Key': crypto.randomUUID() });
export const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

/** The message the API gave for one field (its `fields[].path`, `body.` prefix or not), if any. */
export function fieldMessage(error: unknown, name: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem.fields?.find((f) => {
    const p = (f.path ?? f.field ?? '').replace(/^(body|query)\./, '');
    return p === name || p.startsWith(`${name}.`);
  })?.message;
}

/** Throws the problem of a non-2xx openapi-fetch answer, else returns its data. */
export async function send<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  return unwrap(await request);
}

export interface SiretCheck {
  readonly state: 'vide' | 'verification' | 'valide' | 'invalide';
  readonly message?: string;
  readonly existante?: { readonly siret: string; readonly raisonSociale: string; readonly active: boolean };
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * The SIRET checked as it is typed, by the rule book itself (`GET /v1/verification-siret`): length, then the
 * control key, with the French reason; and whether a structure already holds it.
 */
export function useSiretCheck(typed: string): SiretCheck {
  const value = useDebounced(typed.trim(), 250);
  const q = useQuery({
    queryKey: ['verification-siret', value],
    enabled: value.length > 0,
    retry: false,
    staleTime: 60_000,
    queryFn: async () => send(api.GET('/v1/verification-siret', { params: { query: { siret: value } } })),
  });
  if (typed.trim().length === 0) return { state: 'vide' };
  if (value !== typed.trim() || q.isFetching) return { state: 'verification' };
  if (q.error) {
    const message = fieldMessage(q.error, 'siret') ?? (q.error instanceof Error ? q.error.message : undefined);
    return { state: 'invalide', ...(message ? { message } : {}) };
  }
  if (q.data)
    return { state: 'valide', ...(q.data.structureExistante ? { existante: q.data.structureExistante } : {}) };
  return { state: 'verification' };
}
