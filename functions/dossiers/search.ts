import { type CalendarDate, parisDateOf } from '../../shared/domain/calendar';
import { type CadreCode, type PieceStatus, STATE_LABELS } from '../../shared/domain/circuits';
import { amountDue } from '../../shared/domain/circuits/amounts';
import { DomainError } from '../../shared/domain/errors';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { toAmountString } from '../../shared/schemas/common';
import { actingHeaders, STRUCTURE_HEADER } from '../../shared/schemas/pieces';
import { rechercheOutput, rechercheQuery } from '../../shared/schemas/search';
import { type SearchHit, searchDossiers } from '../../shared/services/dossier-search';
import { assertMemberOf } from '../../shared/services/structure-readers';
import { dossierSearchStore, identityStore, infrastructure } from '../../shared/services/wiring';

/**
 * « Rechercher » (GET /v1/dossiers): the dossiers of the caller's structure across every marché it is a party to,
 * by marché, numéro, statut, déposant, cadre, dates, montant, « en retard », « en attente de moi »; newest first,
 * paginated by cursor. Readable by the structure's members, like its Synthèse. Function `dossiersSearch`.
 */

/** The structure the search is for: the header's, or the caller's only structure. */
async function structureOf(userId: string, header: string | undefined): Promise<string> {
  const identities = identityStore();
  if (header) {
    await assertMemberOf(identities, userId, header);
    return header;
  }
  const approved = (await identities.membershipsOfUser(userId)).filter((m) => m.status === 'APPROVED');
  if (approved.length === 1) return approved[0]!.siret;
  const message =
    approved.length === 0
      ? "Vous n'êtes rattaché à aucune structure : demandez votre rattachement au gestionnaire de la vôtre."
      : `Vous êtes rattaché à plusieurs structures (${approved.map((m) => m.siret).join(', ')}) : précisez celle pour laquelle vous cherchez dans l'en-tête X-Structure-Siret.`;
  throw new DomainError(
    approved.length === 0 ? 'UTILISATEUR_NON_RATTACHE' : 'STRUCTURE_A_PRECISER',
    message,
    approved.length === 0 ? 'FORBIDDEN' : 'INVALID',
    [{ path: 'headers.x-structure-siret', message }],
  );
}

function trouveJson(h: SearchHit) {
  const d = h.dossier;
  const current = d.pieces.find((p) => p.id === d.currentPieceId);
  const amount = amountDue(d);
  return {
    id: d.id,
    marcheId: d.marcheId,
    version: h.version,
    type: d.kind,
    origine: d.origin,
    etat: d.state,
    libelleEtat: STATE_LABELS[d.state],
    statut: d.status,
    ouvert: !d.closed,
    fournisseurSiret: d.parties.fournisseur.siret,
    ...(current ? { pieceCourante: { cadre: current.cadre, numero: current.numero } } : {}),
    numeros: d.pieces.map((p) => p.numero),
    ...(amount !== undefined ? { montantTtc: toAmountString(amount) } : {}),
    ouvertLe: d.openedAt,
    majLe: d.updatedAt,
    enRetard: h.overdue,
    enAttenteDeMoi: h.waitingForMe,
  };
}

export const rechercherDossiers = httpHandler({
  operationId: 'rechercherDossiers',
  summary: 'Rechercher les dossiers de ma structure',
  description:
    'Tous les marchés où la structure est partie : par marché, numéro (début), statut(s), déposant, cadre, dates d’ouverture, montant TTC, « en retard », « en attente de moi ». Les plus récents d’abord ; une page peut compter moins de dossiers que la limite quand la recherche est sélective : continuez avec « suivant ».',
  tags: ['Dossiers'],
  method: 'GET',
  path: '/v1/dossiers',
  auth: 'user',
  query: rechercheQuery,
  headers: actingHeaders,
  responses: { 200: { description: 'Une page de dossiers', schema: rechercheOutput } },
  handler: async (ctx) => {
    const siret = await structureOf(ctx.identity.userId, ctx.headers[STRUCTURE_HEADER]);
    const q = ctx.query;
    const today: CalendarDate = parisDateOf(infrastructure().clock.now());
    const page = await searchDossiers(dossierSearchStore(), {
      siret,
      criteria: {
        ...(q.marche ? { marcheId: q.marche } : {}),
        ...(q.numero ? { numero: q.numero } : {}),
        ...(q.deposant ? { deposant: q.deposant } : {}),
        ...(q.cadre ? { cadre: q.cadre as CadreCode } : {}),
        ...(q.ouvert !== undefined ? { ouvert: q.ouvert } : {}),
        ...(q.depuis ? { depuis: q.depuis as CalendarDate } : {}),
        ...(q.jusqua ? { jusquA: q.jusqua as CalendarDate } : {}),
        ...(q.montantMin !== undefined ? { montantMinCents: q.montantMin } : {}),
        ...(q.montantMax !== undefined ? { montantMaxCents: q.montantMax } : {}),
        ...(q.enRetard !== undefined ? { enRetard: q.enRetard } : {}),
      },
      ...(q.statut ? { statuts: q.statut as PieceStatus[] } : {}),
      ...(q.enAttenteDeMoi !== undefined ? { enAttenteDeMoi: q.enAttenteDeMoi } : {}),
      limit: q.limite,
      order: q.tri === 'ancien' ? 'ANCIEN' : 'RECENT',
      ...(q.suivant ? { cursor: q.suivant } : {}),
      today,
    });
    return ok({
      siret,
      dossiers: page.hits.map(trouveJson),
      examines: page.examined,
      ...(page.next ? { suivant: page.next } : {}),
    });
  },
});

export const handler = route(routesOf(rechercherDossiers));
