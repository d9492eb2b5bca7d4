import { beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../../shared/adapters/audit';
import { DEMO } from '../../../shared/seed/demo';
import type { DraftPiece, FileRole } from '../../../shared/services/pieces';
import { textPdf, textPdfWithLinesOnPage } from '../../fixtures/documents/generate';
import { usePlatform } from '../../setup/platform';
import { type DocumentsWorld, documentsWorld, objectExists, objectKeyOf, postFile, refusalOf, sha256 } from './helpers';

/**
 * "Valider et envoyer" on the embedded platform (docs/rules/documents.md#drafts-and-sending): a first PDM (A4) of the demo marché, deposited by
 * the mandataire, opens its dossier through DossierService.act; the piece, the dossier and its audit event (with the
 * file hashes) are written in one transaction.
 */
const getPlatform = usePlatform();
let w: DocumentsWorld;
const SENTENCE = (n: string) => `La pièce n° ${n} est validée, elle est en cours de transmission au service concerné`;
const MONTANTS = { htCents: 4_200_000, tvaCents: 840_000, ttcCents: 5_040_000 };

beforeAll(async () => {
  w = await documentsWorld(getPlatform());
});

function draft(numero: string): Promise<DraftPiece> {
  return w.pieces.createDraft({
    actor: w.actor('mandataire'),
    userId: DEMO.users.mandataire.id,
    marche: w.marche,
    cadre: 'A4',
    numero,
    montants: MONTANTS,
    datePiece: '2025-03-31',
  });
}

async function upload(d: DraftPiece, fileName: string, bytes: Uint8Array, role: FileRole) {
  const f = await w.pieces.requestUploadForm({
    actor: w.actor('mandataire'),
    dossierId: d.dossierId,
    pieceId: d.pieceId,
    fileName,
    size: bytes.length,
    role,
    sha256: sha256(bytes),
  });
  expect((await postFile(f, bytes)).status).toBe(204);
  await getPlatform().settle();
  return f;
}

const send = (d: DraftPiece) =>
  w.pieces.send({
    userId: DEMO.users.mandataire.id,
    dossierId: d.dossierId,
    pieceId: d.pieceId,
  });

describe('Valider et envoyer', () => {
  it('sends a first PDM (A4): certificate, sentence, dossier at the MOE, audit event with the file hashes', async () => {
    const d = await draft('PDM-2025-03');
    const pdf = await textPdfWithLinesOnPage(3, 3, ['SIRET client : 21300202500012', 'Total TTC : 50 400,00 €']);
    const annexe = new TextEncoder().encode('poste;quantite\nbeton;12\n');
    await upload(d, 'pdm-mars.pdf', pdf, 'MAIN');
    await upload(d, 'metre.csv', annexe, 'ATTACHMENT');

    const sent = await send(d);
    expect(sent.certificat).toMatch(/^CERT-[0-9A-Z]{26}$/);
    expect(sent.message).toBe(SENTENCE('PDM-2025-03'));
    expect(sent.dossier.dossier).toMatchObject({ id: d.dossierId, status: 'MISE_A_DISPOSITION_MOE' });
    expect(w.started).toContain(d.dossierId);

    const record = await w.dossiers.load(d.dossierId);
    expect(record.status).toBe('MISE_A_DISPOSITION_MOE');
    const deposit = record.events.find((e) => e.type === 'PIECE_DEPOSEE');
    expect(deposit).toMatchObject({ actorSiret: DEMO.sirets.mandataire, userId: DEMO.users.mandataire.id });
    expect(deposit?.fileHashes).toEqual([sha256(pdf), sha256(annexe)]);
    expect(verifyTrail(record.events)).toMatchObject({ ok: true });

    const piece = await w.pieces.getDraft(d.dossierId, d.pieceId);
    expect(piece).toMatchObject({ status: 'ENVOYEE', certificat: sent.certificat });
    expect(record.pieces.find((p) => p.pieceId === d.pieceId)).toMatchObject({ status: 'ENVOYEE' });
  });

  it('refuses a second send of the same piece, and the piece is no longer a draft to upload to', async () => {
    const d = await draft('PDM-2025-04');
    await upload(d, 'pdm-avril.pdf', await textPdf([['Projet de décompte mensuel']]), 'MAIN');
    const first = await send(d);
    const second = await refusalOf(send(d));
    expect(second).toMatchObject({ code: 'PIECE_DEJA_ENVOYEE', kind: 'CONFLICT' });
    expect(second.message).toContain(first.certificat);
    const record = await w.dossiers.load(d.dossierId);
    expect(record.events.filter((e) => e.type === 'PIECE_DEPOSEE')).toHaveLength(1);
    const more = await refusalOf(
      w.pieces.requestUploadForm({
        actor: w.actor('mandataire'),
        dossierId: d.dossierId,
        pieceId: d.pieceId,
        fileName: 'oubli.pdf',
        size: 10,
        role: 'ATTACHMENT',
      }),
    );
    // A sent piece takes files only while suspended for missing documents (answering a suspension, issue 11)
    expect(more).toMatchObject({ code: 'PIECE_NON_SUSPENDUE', kind: 'CONFLICT' });
    expect(more.message).toContain("est envoyée et n'est pas suspendue");
  });

  it('sends twice at once: one certificate, one deposit', async () => {
    const d = await draft('PDM-2025-05');
    await upload(d, 'pdm-mai.pdf', await textPdf([['Projet de décompte mensuel']]), 'MAIN');
    const results = await Promise.allSettled([send(d), send(d)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'PIECE_DEJA_ENVOYEE' });
    const record = await w.dossiers.load(d.dossierId);
    expect(record.events.filter((e) => e.type === 'PIECE_DEPOSEE')).toHaveLength(1);
  });

  it('refuses to send without a verified main file', async () => {
    const d = await draft('PDM-2025-06');
    expect((await refusalOf(send(d))).code).toBe('FICHIER_PRINCIPAL_MANQUANT');
    expect(await w.dossiers.find(d.dossierId)).toBeUndefined();
  });

  it('cancels forms never used at the send; a late upload to one is deleted', async () => {
    const d = await draft('PDM-2025-08');
    await upload(d, 'pdm.pdf', await textPdf([['Projet de décompte mensuel']]), 'MAIN');
    const unused = await w.pieces.requestUploadForm({
      actor: w.actor('mandataire'),
      dossierId: d.dossierId,
      pieceId: d.pieceId,
      fileName: 'annexe.txt',
      size: 5,
      role: 'ATTACHMENT',
    });
    await send(d);
    const after = await w.pieces.getDraft(d.dossierId, d.pieceId);
    expect(after.files.find((f) => f.fileId === unused.fileId)?.status).toBe('ANNULE');
    expect((await postFile(unused, new TextEncoder().encode('tard'))).status).toBe(204);
    await getPlatform().settle();
    const key = await objectKeyOf(getPlatform(), d.dossierId, d.pieceId, unused.fileId);
    expect(await objectExists(getPlatform(), key)).toBe(false);
    expect(
      (await w.dossiers.load(d.dossierId)).events.find((e) => e.type === 'PIECE_DEPOSEE')?.fileHashes,
    ).toHaveLength(1);
  });
});

describe('a follow-up piece', () => {
  it("the MOE's état d'acompte (A15) goes through the dossier's version (If-Match)", async () => {
    const first = await draft('PDM-2025-09');
    await upload(first, 'pdm.pdf', await textPdf([['Projet de décompte mensuel']]), 'MAIN');
    const opened = await send(first);
    const moe = w.actor('moe');
    const ea = await w.pieces.createDraft({
      actor: moe,
      userId: DEMO.users.moe.id,
      marche: w.marche,
      dossierId: first.dossierId,
      cadre: 'A15',
      numero: 'EA-2025-09',
      montants: MONTANTS,
    });
    const pdf = await textPdf([["État d'acompte n° 9"]]);
    const f = await w.pieces.requestUploadForm({
      actor: moe,
      dossierId: ea.dossierId,
      pieceId: ea.pieceId,
      fileName: 'etat-acompte.pdf',
      size: pdf.length,
      role: 'MAIN',
    });
    expect((await postFile(f, pdf)).status).toBe(204);
    await getPlatform().settle();
    const base = { actor: moe, userId: DEMO.users.moe.id, dossierId: ea.dossierId, pieceId: ea.pieceId };
    const stale = await refusalOf(
      w.pieces.send({ ...base, expectedVersion: opened.dossier.version - 1, action: { type: 'DEPOSER_ETAT_ACOMPTE' } }),
    );
    expect(stale).toMatchObject({ code: 'VERSION_PERIMEE', kind: 'STALE' });
    expect((await w.pieces.getDraft(ea.dossierId, ea.pieceId)).status).toBe('BROUILLON');
    const sent = await w.pieces.send({
      ...base,
      expectedVersion: opened.dossier.version,
      action: { type: 'DEPOSER_ETAT_ACOMPTE' },
    });
    expect(sent.message).toBe(SENTENCE('EA-2025-09'));
    expect(sent.dossier.version).toBe(opened.dossier.version + 1);
    expect(sent.dossier.dossier.status).toBe('MISE_A_DISPOSITION_MOA');
    const record = await w.dossiers.load(ea.dossierId);
    const deposits = record.events.filter((e) => e.type === 'PIECE_DEPOSEE');
    expect(deposits.at(-1)?.fileHashes).toEqual([sha256(pdf)]);
  });
});

describe('piece numbers', () => {
  it('are unique per depositing structure, released when the draft is deleted (with its files)', async () => {
    const d = await draft('PDM-UNIQUE');
    const f = await upload(d, 'pdm.pdf', await textPdf([['Projet de décompte mensuel']]), 'MAIN');
    const key = await objectKeyOf(getPlatform(), d.dossierId, d.pieceId, f.fileId);
    expect(await objectExists(getPlatform(), key)).toBe(true);
    const dup = await refusalOf(draft('pdm-unique'));
    expect(dup).toMatchObject({ code: 'NUMERO_PIECE_DEJA_UTILISE', kind: 'CONFLICT' });
    // Another structure may use the same number
    await expect(
      w.pieces.createDraft({
        actor: w.actor('sousTraitant'),
        userId: DEMO.users.sousTraitant.id,
        marche: w.marche,
        cadre: 'A9',
        numero: 'PDM-UNIQUE',
      }),
    ).resolves.toMatchObject({ status: 'BROUILLON' });
    await w.pieces.deleteDraft({ actor: w.actor('mandataire'), dossierId: d.dossierId, pieceId: d.pieceId });
    expect((await refusalOf(w.pieces.getDraft(d.dossierId, d.pieceId))).code).toBe('PIECE_INCONNUE');
    expect(await objectExists(getPlatform(), key)).toBe(false);
    await expect(draft('PDM-UNIQUE')).resolves.toMatchObject({ numero: 'PDM-UNIQUE' });
  });

  it('refuses a cadre outside the depositor role, or one that does not open a dossier', async () => {
    const base = { actor: w.actor('mandataire'), userId: 'u', marche: w.marche, numero: 'X-1' };
    expect((await refusalOf(w.pieces.createDraft({ ...base, cadre: 'A9' }))).code).toBe('CADRE_NON_AUTORISE_POUR_ROLE');
    expect((await refusalOf(w.pieces.createDraft({ ...base, cadre: 'A8' }))).code).toBe('CADRE_NON_INITIAL');
  });

  it('lists the drafts of a structure, not the sent pieces', async () => {
    const drafts = await w.pieces.listDrafts(DEMO.sirets.mandataire);
    const numbers = drafts.map((d) => d.numero);
    expect(numbers).toContain('PDM-UNIQUE');
    expect(numbers).not.toContain('PDM-2025-03');
    expect(drafts.every((d) => d.status === 'BROUILLON')).toBe(true);
  });
});
