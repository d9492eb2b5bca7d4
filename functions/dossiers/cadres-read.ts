import * as z from 'zod/mini';
import { circuitOf, depositableCadres } from '../../shared/domain/circuits';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { id } from '../../shared/schemas/common';
import { actingHeaders, cadresDeposablesOutput, STRUCTURE_HEADER } from '../../shared/schemas/pieces';
import { assertMayOpenDossier } from '../../shared/services/authorization';
import { buyerParamsOf } from '../../shared/services/buyer-params';
import { identityStore } from '../../shared/services/wiring';
import { actorToAct, readServices } from './support';

/**
 * « Déposer » starts with the cadre: the ones the structure's roles may use now to open a dossier on this marché,
 * each with one line saying what it is for, and the others with why they are not offered (docs/rules/cadres.md,
 * docs/rules/circuits.md). Function `dossiersRead`; writes nothing.
 */
export const lireCadresDeposables = httpHandler({
  operationId: 'lireCadresDeposables',
  summary: 'Cadres de facturation que ma structure peut déposer sur un marché',
  description:
    'Pour le dépôt guidé : chaque cadre de travaux, proposé ou non à votre structure pour ouvrir un dossier (selon ses rôles sur le marché et son circuit), avec une explication d’une ligne. Il faut pouvoir agir dans l’espace « Factures de travaux » (mode Modification).',
  tags: ['Pièces'],
  method: 'GET',
  path: '/v1/marches/{marcheId}/cadres-deposables',
  auth: 'user',
  params: z.object({ marcheId: id }),
  headers: actingHeaders,
  responses: { 200: { description: 'Les cadres, proposés ou non', schema: cadresDeposablesOutput } },
  handler: async (ctx) => {
    const marche = await readServices().marche(ctx.params.marcheId);
    const actor = await actorToAct({ userId: ctx.identity.userId, actingSiret: ctx.headers[STRUCTURE_HEADER] }, marche);
    // docs/rules/structures.md#siret-change: a structure deactivated by a SIRET change opens no new dossier
    assertMayOpenDossier(actor);
    const circuit = circuitOf(marche, await buyerParamsOf(marche, identityStore()));
    return ok({
      marcheId: marche.id,
      siret: actor.siret,
      roles: [...actor.roles],
      cadres: depositableCadres(actor.roles, circuit).map((c) => ({
        code: c.code,
        libelle: c.label,
        deposable: c.depositable,
        explication: c.explanation,
        ...(c.reason ? { raison: c.reason } : {}),
      })),
    });
  },
});
