import * as z from 'zod/mini';
import { stepFunctionsWorkflow } from '../../shared/adapters/workflow';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { withinTransaction } from '../../shared/http/within-transaction';
import { resultatActionOutput } from '../../shared/schemas/dossier';
import {
  type ActionBody,
  actionBody,
  isPieceAction,
  pieceActionExtras,
  toCircuitAction,
} from '../../shared/schemas/dossier-actions';
import { actingHeaders, dossierId, STRUCTURE_HEADER } from '../../shared/schemas/pieces';
import { type ActResult, unknownDossier } from '../../shared/services/decisions';
import { installDocumentObjects, installWorkflow } from '../../shared/services/infrastructure';
import type { SendResult } from '../../shared/services/pieces';
import { s3DocumentObjects } from '../../shared/services/pieces/storage';
import { raceAsConflict, requestServices } from './support';
import { resultatJson, viewAfter } from './views';

// A decision releases the wait of the dossier's execution (functions/dossiers/lambdas.ts: stateMachines access)
installWorkflow(stepFunctionsWorkflow);
// Sending a piece looks up the objects of its awaited files
installDocumentObjects(s3DocumentObjects);

/**
 * POST /v1/dossiers/{dossierId}/actions: an actor acts on a dossier. DossierService.decide authorizes the user for
 * the marché (`resolveActor`, in « Factures à valider » for validations) and applies the rule book — for an action
 * that deposits a piece, through PieceService.send, which prepares the named draft once the user is authorized.
 * Every refusal of the rule book comes back as a DomainError (4xx with its code). Function `dossiersAct`.
 */

export const agir = httpHandler({
  operationId: 'agirSurDossier',
  summary: 'Agir sur un dossier',
  description: [
    'Valider (avec un Complément d’information facultatif), refuser avec motifs, déposer l’état d’acompte (montants corrigés), suspendre avec la liste des documents manquants, service fait, mandater, mettre en paiement, signer le décompte général (avec ou sans réserves), recycler, compléter (avec les fichiers déposés sur la pièce suspendue), rejeter, saisir directement le maître d’ouvrage…',
    'Les actions qui déposent une pièce nomment le brouillon à envoyer (`pieceId`, créé par POST /v1/dossiers/{dossierId}/pieces, fichier principal vérifié).',
    'If-Match (version lue dans l’ETag) et Idempotency-Key obligatoires. DELAI_EXPIRE est réservé au système.',
    'En-tête facultatif X-Structure-Siret : la structure pour laquelle vous agissez, si vous êtes rattaché à plusieurs structures du marché.',
  ].join('\n\n'),
  tags: ['Dossiers'],
  method: 'POST',
  path: '/v1/dossiers/{dossierId}/actions',
  auth: 'user',
  params: z.object({ dossierId }),
  headers: actingHeaders,
  body: actionBody,
  requiresIfMatch: true,
  idempotencyInTransaction: true,
  responses: {
    200: {
      description: 'Action appliquée : le nouvel état du dossier',
      schema: resultatActionOutput,
      headers: { ETag: 'Nouvelle version du dossier.' },
    },
  },
  handler: async (ctx) => {
    const body = ctx.body as ActionBody;
    const svc = requestServices();
    const who = { userId: ctx.identity.userId, actingSiret: ctx.headers[STRUCTURE_HEADER] };
    const acting = who.actingSiret ? { actingSiret: who.actingSiret } : {};
    // Each response is built before the decision is written: the idempotency record holds it, in the same transaction
    const respond = async (result: ActResult) =>
      ok(resultatJson(result, await viewAfter(svc.dossiers, result)), { etag: result.version });
    if (isPieceAction(body)) {
      const { pieceId, ...rest } = body;
      // The draft and its dossier in one read; authorization and the rule book in DossierService.decide
      const loaded = await svc.pieces.draftToSend(ctx.params.dossierId, pieceId);
      if (!loaded.partition.snapshot) throw unknownDossier(ctx.params.dossierId);
      return withinTransaction<SendResult>(
        ctx,
        (completion) =>
          raceAsConflict(() =>
            svc.pieces.send({
              userId: who.userId,
              ...acting,
              dossierId: ctx.params.dossierId,
              pieceId,
              expectedVersion: ctx.ifMatch,
              action: pieceActionExtras(rest),
              loaded,
              ...(completion ? { completion } : {}),
            }),
          ),
        async (sent) =>
          ok(resultatJson(sent.dossier, await viewAfter(svc.dossiers, sent.dossier), sent), {
            etag: sent.dossier.version,
          }),
      );
    }
    if (body.type === 'COMPLETER' && body.fichiers?.length) {
      // The answer to a suspension names the files added to the suspended piece (checked once authorized)
      return withinTransaction<ActResult>(
        ctx,
        (completion) =>
          raceAsConflict(() =>
            svc.pieces.completeWithFiles({
              userId: who.userId,
              ...acting,
              dossierId: ctx.params.dossierId,
              expectedVersion: ctx.ifMatch,
              documents: body.documents ?? [],
              fileIds: body.fichiers ?? [],
              ...(completion ? { completion } : {}),
            }),
          ),
        respond,
      );
    }
    // Authorization (user → structure → roles → space in MODIFICATION) then the rule book, in DossierService.decide
    return withinTransaction<ActResult>(
      ctx,
      (completion) =>
        raceAsConflict(() =>
          svc.dossiers.decide({
            dossierId: ctx.params.dossierId,
            userId: who.userId,
            ...acting,
            action: toCircuitAction(body.type === 'COMPLETER' ? { ...body, documents: body.documents ?? [] } : body),
            expectedVersion: ctx.ifMatch,
            ...(completion ? { completion } : {}),
          }),
        ),
      respond,
    );
  },
});

export const handler = route(routesOf(agir));
