import * as z from 'zod/mini';
import { stepFunctionsWorkflow } from '../../shared/adapters/workflow';
import { unknownPiece } from '../../shared/domain/pieces';
import { HTTP_CODES, HttpProblem } from '../../shared/http/errors';
import { httpHandler } from '../../shared/http/handler';
import { created, noContent, ok } from '../../shared/http/results';
import { route, routesOf } from '../../shared/http/router';
import { withinTransaction } from '../../shared/http/within-transaction';
import { id } from '../../shared/schemas/common';
import { resultatActionOutput } from '../../shared/schemas/dossier';
import { pieceActionExtras } from '../../shared/schemas/dossier-actions';
import {
  actingHeaders,
  brouillonOutput,
  creerPieceBody,
  demandeFichierBody,
  dossierId,
  envoyerBody,
  fichierId,
  formulaireDepotOutput,
  modifierBrouillonBody,
  pieceId,
  ROLE_FICHIER_SERVICE,
  STRUCTURE_HEADER,
} from '../../shared/schemas/pieces';
import { assertMayOpenDossier } from '../../shared/services/authorization';
import { installDocumentObjects, installWorkflow } from '../../shared/services/infrastructure';
import type { SendResult } from '../../shared/services/pieces';
import { s3DocumentObjects } from '../../shared/services/pieces/storage';
import { brouillonJson } from './piece-views';
import { actorToAct, asUnknownDossier, asUnknownPiece, circuitActor, raceAsConflict, requestServices } from './support';
import { resultatJson, viewAfter } from './views';

// « Valider et envoyer » starts the dossier's execution or releases its wait (stateMachines access)
installWorkflow(stepFunctionsWorkflow);
// Forms, sending and removal look up the objects of awaited files; a deleted draft's objects are hidden
installDocumentObjects(s3DocumentObjects);

/**
 * Pieces before they enter the circuit (docs/rules/circuits.md, docs/rules/documents.md#drafts-and-sending): a draft opens a new dossier or follows the previous piece
 * of one; its files go straight to storage through presigned POST forms; "Valider et envoyer" hands it to the
 * circuit and returns the deposit certificate. Function `dossiersPieces`. Depositors act in « Factures de travaux ».
 */

const TAGS = ['Pièces'];
const pieceParams = z.object({ dossierId, pieceId });
const piecePath = (d: { dossierId: string; pieceId: string }) => `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`;
const who = (ctx: { identity: { userId: string }; headers: { [STRUCTURE_HEADER]?: string } }) => ({
  userId: ctx.identity.userId,
  actingSiret: ctx.headers[STRUCTURE_HEADER],
});

export const creerPremierePiece = httpHandler({
  operationId: 'creerPremierePiece',
  summary: 'Nouvelle pièce : brouillon de la première pièce d’un dossier',
  description:
    'Crée le brouillon de la pièce qui ouvrira un nouveau dossier de facturation à son envoi (A4, A7, A9, A10, A12, A13, A14), et réserve son numéro pour votre structure. En-tête facultatif X-Structure-Siret si vous êtes rattaché à plusieurs structures du marché.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/marches/{marcheId}/pieces',
  auth: 'user',
  params: z.object({ marcheId: id }),
  headers: actingHeaders,
  body: creerPieceBody,
  responses: { 201: { description: 'Brouillon créé', schema: brouillonOutput, headers: { Location: 'La pièce.' } } },
  handler: async (ctx) => {
    const svc = requestServices();
    const marche = await svc.marche(ctx.params.marcheId);
    const actor = await actorToAct(who(ctx), marche);
    // docs/rules/structures.md#siret-change: a structure deactivated by a SIRET change opens no new dossier
    assertMayOpenDossier(actor);
    const draft = await svc.pieces.createDraft({
      actor: circuitActor(actor),
      userId: actor.userId,
      marche,
      cadre: ctx.body.cadre,
      numero: ctx.body.numero,
      ...(ctx.body.montants ? { montants: ctx.body.montants } : {}),
      ...(ctx.body.datePiece ? { datePiece: ctx.body.datePiece } : {}),
      ...(ctx.body.etatAcompte ? { etatAcompte: ctx.body.etatAcompte } : {}),
    });
    return created(brouillonJson(draft), piecePath(draft));
  },
});

export const creerPieceSuivante = httpHandler({
  operationId: 'creerPieceSuivante',
  summary: 'Pièce suivante : brouillon d’une pièce déposée en association avec la précédente',
  description:
    'État d’acompte (A15), état d’acompte validé (A19), projet de décompte général (A17), décompte général (A20), DG signé (A8)… Le brouillon s’envoie par « envoyer » (ou par l’action qui le nomme), avec If-Match.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/dossiers/{dossierId}/pieces',
  auth: 'user',
  params: z.object({ dossierId }),
  headers: actingHeaders,
  body: creerPieceBody,
  responses: { 201: { description: 'Brouillon créé', schema: brouillonOutput, headers: { Location: 'La pièce.' } } },
  handler: async (ctx) => {
    const svc = requestServices();
    const record = await svc.dossiers.load(ctx.params.dossierId);
    const marche = await svc.marche(record.marcheId);
    const actor = await actorToAct({ ...who(ctx), hidden: asUnknownDossier(ctx.params.dossierId) }, marche);
    const draft = await svc.pieces.createDraft({
      actor: circuitActor(actor),
      userId: actor.userId,
      marche,
      dossierId: record.dossierId,
      cadre: ctx.body.cadre,
      numero: ctx.body.numero,
      ...(ctx.body.montants ? { montants: ctx.body.montants } : {}),
      ...(ctx.body.datePiece ? { datePiece: ctx.body.datePiece } : {}),
      ...(ctx.body.etatAcompte ? { etatAcompte: ctx.body.etatAcompte } : {}),
    });
    return created(brouillonJson(draft), piecePath(draft));
  },
});

export const demanderDepotFichier = httpHandler({
  operationId: 'demanderDepotFichier',
  summary: 'Formulaire de dépôt d’un fichier de la pièce',
  description:
    'Réserve la taille annoncée sur la pièce (10 Mo par fichier, 120 Mo par pièce avec ses annexes) et rend un formulaire POST présigné : envoyez-le tel quel (multipart/form-data, champs puis « file ») directement au stockage. Le fichier est ensuite vérifié (type réel, PDF texte pour le fichier principal, empreinte) : suivez le résultat en relisant la pièce.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers',
  auth: 'user',
  params: pieceParams,
  headers: actingHeaders,
  body: demandeFichierBody,
  responses: { 201: { description: 'Formulaire de dépôt', schema: formulaireDepotOutput } },
  handler: async (ctx) => {
    const svc = requestServices();
    const draft = await svc.pieces.getDraft(ctx.params.dossierId, ctx.params.pieceId);
    const actor = await actorToAct(
      { ...who(ctx), hidden: asUnknownPiece(ctx.params.pieceId) },
      await svc.marche(draft.marcheId),
    );
    const form = await svc.pieces.requestUploadForm({
      actor: circuitActor(actor),
      dossierId: draft.dossierId,
      pieceId: draft.pieceId,
      fileName: ctx.body.nom,
      size: ctx.body.taille,
      contentType: ctx.body.type,
      role: ROLE_FICHIER_SERVICE[ctx.body.role],
      ...(ctx.body.sha256 ? { sha256: ctx.body.sha256 } : {}),
    });
    return ok(
      {
        fichierId: form.fileId,
        url: form.url,
        champs: form.fields,
        expireLe: form.expiresAt,
        tailleMax: form.maxBytes,
      },
      { status: 201 },
    );
  },
});

export const envoyerPiece = httpHandler({
  operationId: 'envoyerPiece',
  summary: 'Valider et envoyer la pièce',
  description: [
    'Le fichier principal doit être vérifié. Première pièce : ouvre le dossier (201, sans If-Match). Pièce suivante : `type` dit ce qu’elle accomplit (DEPOSER_ETAT_ACOMPTE, VALIDER_ETAT_ACOMPTE, SIGNER_DG…) et If-Match (version du dossier) est obligatoire.',
    'Rend le certificat de dépôt et la phrase « La pièce n° X est validée, elle est en cours de transmission au service concerné ».',
  ].join('\n\n'),
  tags: TAGS,
  method: 'POST',
  path: '/v1/dossiers/{dossierId}/pieces/{pieceId}/envoyer',
  auth: 'user',
  params: pieceParams,
  headers: actingHeaders,
  body: z.optional(envoyerBody),
  idempotencyInTransaction: true,
  responses: {
    200: {
      description: 'Pièce suivante envoyée : le nouvel état du dossier',
      schema: resultatActionOutput,
      headers: { ETag: 'Nouvelle version du dossier.' },
    },
    201: {
      description: 'Première pièce envoyée : le dossier est ouvert',
      schema: resultatActionOutput,
      headers: { ETag: 'Version du dossier.', Location: 'Le dossier.' },
    },
  },
  handler: async (ctx) => {
    const body = ctx.body ?? {};
    const svc = requestServices();
    const loaded = await svc.pieces.draftToSend(ctx.params.dossierId, ctx.params.pieceId);
    const draft = loaded.piece;
    if (!draft) throw unknownPiece(ctx.params.pieceId);
    if (!draft.newDossier && ctx.ifMatch === undefined) {
      throw new HttpProblem(
        428,
        HTTP_CODES.PRECONDITION_REQUISE,
        'En-tête If-Match obligatoire pour une pièce suivante : renvoyez la version du dossier lue (valeur de son ETag, par exemple If-Match: "3").',
      );
    }
    const action = body.type
      ? pieceActionExtras({ ...body, type: body.type })
      : {
          ...(body.receptionNotifieeLe ? { receptionNotifieeLe: body.receptionNotifieeLe } : {}),
          ...(body.pdfRecuMoaLe ? { pdfRecuMoaLe: body.pdfRecuMoaLe } : {}),
        };
    // The response is built before the decision is written: the idempotency record holds it, in the same transaction
    return withinTransaction<SendResult>(
      ctx,
      (completion) =>
        raceAsConflict(() =>
          svc.pieces.send({
            ...who(ctx),
            dossierId: draft.dossierId,
            pieceId: draft.pieceId,
            ...(draft.newDossier ? {} : { expectedVersion: ctx.ifMatch }),
            action,
            loaded,
            ...(completion ? { completion } : {}),
          }),
        ),
      async (sent) => {
        const json = resultatJson(sent.dossier, await viewAfter(svc.dossiers, sent.dossier), sent);
        const etag = sent.dossier.version;
        return draft.newDossier ? created(json, `/v1/dossiers/${draft.dossierId}`, { etag }) : ok(json, { etag });
      },
    );
  },
});

export const modifierBrouillon = httpHandler({
  operationId: 'modifierBrouillon',
  summary: 'Modifier un brouillon (numéro, date, montants, suggestions du PDF)',
  description:
    'Le déposant corrige son brouillon, ou accepte une à une (ou toutes) les valeurs lues dans le PDF principal (`appliquerSuggestions`) : numéro, date, montants, et le SIRET du destinataire et le numéro d’engagement, vérifiés contre le marché (422 SIRET_DESTINATAIRE_HORS_MARCHE ou ENGAGEMENT_DIFFERENT_DU_MARCHE sinon). If-Match (version du brouillon, son ETag) et Idempotency-Key obligatoires.',
  tags: TAGS,
  method: 'PATCH',
  path: '/v1/dossiers/{dossierId}/pieces/{pieceId}',
  auth: 'user',
  params: pieceParams,
  headers: actingHeaders,
  body: modifierBrouillonBody,
  requiresIfMatch: true,
  idempotent: true,
  responses: {
    200: { description: 'Le brouillon modifié', schema: brouillonOutput, headers: { ETag: 'Nouvelle version.' } },
  },
  handler: async (ctx) => {
    const svc = requestServices();
    const draft = await svc.pieces.getDraft(ctx.params.dossierId, ctx.params.pieceId);
    const marche = await svc.marche(draft.marcheId);
    const actor = await actorToAct({ ...who(ctx), hidden: asUnknownPiece(ctx.params.pieceId) }, marche);
    const updated = await svc.pieces.updateDraft({
      actor: circuitActor(actor),
      marche,
      dossierId: draft.dossierId,
      pieceId: draft.pieceId,
      expectedVersion: ctx.ifMatch,
      ...(ctx.body.numero !== undefined ? { numero: ctx.body.numero } : {}),
      ...(ctx.body.montants ? { montants: ctx.body.montants } : {}),
      ...(ctx.body.datePiece ? { datePiece: ctx.body.datePiece } : {}),
      ...(ctx.body.etatAcompte ? { etatAcompte: ctx.body.etatAcompte } : {}),
      ...(ctx.body.appliquerSuggestions ? { applySuggestions: ctx.body.appliquerSuggestions } : {}),
    });
    return ok(brouillonJson(updated), { etag: updated.version });
  },
});

export const supprimerBrouillon = httpHandler({
  operationId: 'supprimerBrouillon',
  summary: 'Supprimer un brouillon',
  description:
    'Supprime la pièce non envoyée : son numéro est libéré, ses réservations rendues, ses fichiers masqués. If-Match (version du brouillon) et Idempotency-Key obligatoires.',
  tags: TAGS,
  method: 'DELETE',
  path: '/v1/dossiers/{dossierId}/pieces/{pieceId}',
  auth: 'user',
  params: pieceParams,
  headers: actingHeaders,
  requiresIfMatch: true,
  idempotent: true,
  responses: { 204: { description: 'Brouillon supprimé' } },
  handler: async (ctx) => {
    const svc = requestServices();
    const draft = await svc.pieces.getDraft(ctx.params.dossierId, ctx.params.pieceId);
    const actor = await actorToAct(
      { ...who(ctx), hidden: asUnknownPiece(ctx.params.pieceId) },
      await svc.marche(draft.marcheId),
    );
    await svc.pieces.deleteDraft({
      actor: circuitActor(actor),
      dossierId: draft.dossierId,
      pieceId: draft.pieceId,
      expectedVersion: ctx.ifMatch,
    });
    return noContent();
  },
});

export const retirerFichier = httpHandler({
  operationId: 'retirerFichier',
  summary: 'Retirer un fichier d’un brouillon',
  description:
    'Retire un fichier (principal ou pièce jointe) du brouillon : la place qu’il occupait sur les 120 Mo de la pièce est rendue, le fichier n’est plus servi et disparaît de la pièce (il reste tracé dans `fichiersRetires`). Un formulaire de dépôt encore inutilisé pour ce fichier est annulé. If-Match (version du brouillon) et Idempotency-Key obligatoires.',
  tags: TAGS,
  method: 'DELETE',
  path: '/v1/dossiers/{dossierId}/pieces/{pieceId}/fichiers/{fichierId}',
  auth: 'user',
  params: z.extend(pieceParams, { fichierId }),
  headers: actingHeaders,
  requiresIfMatch: true,
  idempotent: true,
  responses: { 204: { description: 'Fichier retiré' } },
  handler: async (ctx) => {
    const svc = requestServices();
    const draft = await svc.pieces.piece(ctx.params.dossierId, ctx.params.pieceId);
    const actor = await actorToAct(
      { ...who(ctx), hidden: asUnknownPiece(ctx.params.pieceId) },
      await svc.marche(draft.marcheId),
    );
    await svc.pieces.removeFile({
      actor: circuitActor(actor),
      userId: actor.userId,
      dossierId: draft.dossierId,
      pieceId: draft.pieceId,
      fileId: ctx.params.fichierId,
      expectedVersion: ctx.ifMatch as number,
    });
    return noContent();
  },
});

export const handler = route(
  routesOf(
    creerPremierePiece,
    creerPieceSuivante,
    demanderDepotFichier,
    envoyerPiece,
    modifierBrouillon,
    supprimerBrouillon,
    retirerFichier,
  ),
);
