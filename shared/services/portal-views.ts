import type { DossierIndexes, PageRequest } from '../adapters/dynamo/dossier-indexes';
import type { DossierSearchStore } from '../adapters/dynamo/dossier-search-store';
import type { StoredPending } from '../adapters/dynamo/dossier-types';
import { deadlineOf } from '../adapters/dynamo/pending';
import type { PortalStore } from '../adapters/dynamo/portal-store';
import { type CalendarDate, daysBetween, isCalendarDate } from '../domain/calendar';
import { type Dossier, PIECE_STATUSES, STATE_LABELS } from '../domain/circuits';
import { amountDue } from '../domain/circuits/amounts';
import { eventLabel } from '../domain/circuits/event-labels';

/**
 * What the portal's first screens show, read from the indexes and joined here once rather than in the browser:
 * - « Synthèse »: each wait of the structure (GSI1 PENDING#siret, soonest deadline first) with its dossier (numéro,
 *   cadre, déposant, état and since when, montant TTC, engagement) and the days left before its deadline;
 * - « Fil d'événements »: the latest audit events of the structure's most recently created dossiers.
 * Nothing is computed twice: deadlines, tacit outcomes and late flags are the rule book's, as stored with the wait.
 */
export interface PortalViewDeps {
  readonly dossiers: DossierIndexes;
  readonly search: DossierSearchStore;
  readonly portal: PortalStore;
}

export interface LigneSynthese {
  readonly dossierId: string;
  readonly versionDossier: number;
  readonly marcheId: string | null;
  readonly etat: string;
  readonly libelleEtat: string;
  /** The day the current wait started (the state's date). */
  readonly etatDepuis: CalendarDate | null;
  readonly piece: { readonly cadre: string; readonly numero: string; readonly deposeeLe: string } | null;
  readonly deposant: { readonly siret: string; readonly raisonSociale: string | null } | null;
  readonly fournisseur: { readonly siret: string; readonly raisonSociale: string | null } | null;
  readonly montantTtcCents: number | null;
  readonly engagement: string | null;
  readonly role: string;
  readonly actions: readonly string[];
  readonly echeance: string | null;
  readonly dernierJour: CalendarDate | null;
  /** Days from today to the last day (0 on the last day); negative once passed; null without a deadline. */
  readonly joursRestants: number | null;
  readonly enRetard: boolean;
  readonly enRetardDepuis: CalendarDate | null;
  readonly rappelLe: string | null;
  readonly aDefautDeReponse: { readonly effet: string; readonly description: string } | null;
}

function dateOrNull(v: unknown): CalendarDate | null {
  return typeof v === 'string' && isCalendarDate(v) ? v : null;
}

function actionsOf(siret: string, p: StoredPending): { role: string; actions: string[] } {
  const others = (p.otherActors ?? []) as { actorSiret: string; actorRole: string; allowedActions: string[] }[];
  const mine = others.filter((o) => o.actorSiret === siret);
  const primary = p.actorSiret === siret;
  return {
    role: primary ? String(p.actorRole) : (mine[0]?.actorRole ?? String(p.actorRole)),
    actions: [
      ...new Set([
        ...(primary ? ((p.allowedActions as string[] | undefined) ?? []) : []),
        ...mine.flatMap((o) => o.allowedActions),
      ]),
    ],
  };
}

export async function syntheseRows(
  deps: PortalViewDeps,
  siret: string,
  today: CalendarDate,
  page: PageRequest,
): Promise<{ rows: LigneSynthese[]; next?: string }> {
  const { items: pending, next } = await deps.dossiers.pendingFor(siret, page);
  const states = new Map<string, { state: Dossier; version: number }>();
  for (let i = 0; i < pending.length; i += 100) {
    const part = await deps.search.dossiers(pending.slice(i, i + 100).map((p) => p.dossierId));
    for (const [k, v] of part) states.set(k, v);
  }
  const pieceOf = (d: Dossier | undefined) => d?.pieces.find((p) => p.id === d.currentPieceId);
  const sirets = new Set<string>();
  for (const { state } of states.values()) {
    const piece = pieceOf(state);
    if (piece) sirets.add(piece.depositorSiret);
    sirets.add(state.parties.fournisseur.siret);
  }
  const names = new Map<string, string>();
  const all = [...sirets];
  for (let i = 0; i < all.length; i += 50) {
    for (const [k, v] of await deps.portal.structureNames(all.slice(i, i + 50))) names.set(k, v);
  }
  const party = (s: string | undefined) => (s ? { siret: s, raisonSociale: names.get(s) ?? null } : null);
  const rows = pending.map(({ dossierId, pending: p }): LigneSynthese => {
    const d = states.get(dossierId)?.state;
    const piece = pieceOf(d);
    const lastDay = dateOrNull(p.lastDay);
    const lateSince = dateOrNull(p.lateSince);
    const joursRestants = lastDay ? daysBetween(today, lastDay) : null;
    const onTimeout = p.onTimeout as { effect?: string; description?: string } | null | undefined;
    const amount = d ? amountDue(d) : undefined;
    const { role, actions } = actionsOf(siret, p);
    return {
      dossierId,
      versionDossier: Number(p.dossierVersion ?? 0),
      marcheId: d?.marcheId ?? null,
      etat: p.step,
      libelleEtat: (STATE_LABELS as Record<string, string>)[p.step] ?? p.step,
      etatDepuis: d ? d.wait.since : null,
      piece: piece ? { cadre: piece.cadre, numero: piece.numero, deposeeLe: piece.depositedAt } : null,
      deposant: party(piece?.depositorSiret),
      fournisseur: party(d?.parties.fournisseur.siret),
      montantTtcCents: amount ?? null,
      engagement: piece?.destinataire?.engagementJuridique ?? d?.parties.serviceFinancier.engagementJuridique ?? null,
      role,
      actions,
      echeance: deadlineOf(p),
      dernierJour: lastDay,
      joursRestants,
      enRetard: lateSince !== null || (joursRestants !== null && joursRestants < 0),
      enRetardDepuis: lateSince,
      rappelLe: typeof p.reminderAt === 'string' ? p.reminderAt : null,
      aDefautDeReponse:
        onTimeout?.effect && onTimeout.description
          ? { effet: onTimeout.effect, description: onTimeout.description }
          : null,
    };
  });
  return { rows, ...(next ? { next } : {}) };
}

export interface Evenement {
  readonly dossierId: string;
  readonly le: string;
  readonly type: string;
  readonly libelle: string;
  readonly numero: string | null;
  readonly acteurSiret: string | null;
}

/**
 * The structure's recent events: the last `perDossier` audit events of each of its `dossiers` most recently
 * created dossiers (board index, newest first), newest first, at most `limit`.
 */
export async function recentEvents(
  deps: PortalViewDeps,
  siret: string,
  opts: { readonly dossiers: number; readonly perDossier: number; readonly limit: number },
): Promise<Evenement[]> {
  const board = await deps.search.board(siret, PIECE_STATUSES, { limit: opts.dossiers, order: 'RECENT' });
  const states = await deps.search.dossiers(board.map((b) => b.dossierId));
  const perDossier = await Promise.all(
    board.map(async (b) => ({
      dossierId: b.dossierId,
      events: await deps.portal.lastEvents(b.dossierId, opts.perDossier),
    })),
  );
  const all: Evenement[] = [];
  for (const { dossierId, events } of perDossier) {
    const d = states.get(dossierId)?.state;
    for (const e of events) {
      const pieceId = e.details?.pieceId;
      const piece = d?.pieces.find((p) => p.id === pieceId) ?? d?.pieces.find((p) => p.id === d.currentPieceId);
      all.push({
        dossierId,
        le: e.at,
        type: e.type,
        libelle: eventLabel(e.type),
        numero: piece?.numero ?? null,
        acteurSiret: e.actorSiret ?? null,
      });
    }
  }
  all.sort((a, b) => (a.le < b.le ? 1 : a.le > b.le ? -1 : 0));
  return all.slice(0, opts.limit);
}
