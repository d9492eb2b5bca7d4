import { describe, expect, it } from 'vitest';
import { postForm, textPdf } from './client';
import { DEMO, useWorld } from './world';

/**
 * The dossier API over HTTP on the embedded platform, resource by resource, along the two circuits of docs/rules/circuits.md:
 * a sous-traitant's monthly invoice (A9 → titulaire validation → MOE A15 → MOA A19 → service financier → paid) and
 * a solde (A7 → A17 → A20 → signed A8 → paid late).
 */
const world = useWorld();
const S = DEMO.sirets;
const M = (ht: string, tva: string, ttc: string) => ({ ht, tva, ttc });

describe('pieces: drafts, files, pre-fill, sending', () => {
  it('keeps the amounts read in the PDF as suggestions and never applies them', async () => {
    const w = world();
    const d = await w.draft(w.as.sousTraitant, `/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A9',
      numero: 'ST-SUGG-1',
      pdfLines: ['Facture n° ST-SUGG-1', 'Total HT : 2500,00 EUR', 'TVA : 500,00 EUR', 'Total TTC : 3000,00 EUR'],
    });
    expect(d.draft.statut).toBe('BROUILLON');
    expect(d.draft.envoyee).toBe(false);
    expect(d.draft.nouveauDossier).toBe(true);
    expect(d.draft.montants).toBeUndefined();
    expect(d.draft.suggestions.montantTtc).toEqual({ valeur: '3000.00', page: 1, motCle: expect.any(String) });
    expect(d.draft.fichiers).toHaveLength(1);
    expect(d.draft.fichiers[0]).toMatchObject({ role: 'PRINCIPAL', verification: { statut: 'VERIFIE', pages: 1 } });
    expect(d.draft.fichiers[0].verification.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows a draft to its depositor only, gives download links to readers, deletes a draft and frees its number', async () => {
    const w = world();
    const numero = 'ST-DEL-1';
    const d = await w.draft(w.as.sousTraitant, `/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero });
    const path = `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`;
    const fileId = d.draft.fichiers[0].id as string;

    // docs/rules/documents.md#drafts-and-sending: a draft is not sent; nobody else sees it
    expect((await w.as.moe.get(path)).body.code).toBe('PIECE_INCONNUE');
    expect((await w.as.moe.get(`${path}/fichiers/${fileId}/telechargement`)).status).toBe(404);

    const link = await w.as.sousTraitant.get(`${path}/fichiers/${fileId}/telechargement`);
    expect(link.status).toBe(200);
    const downloaded = await fetch(link.body.url);
    expect(downloaded.status).toBe(200);
    expect(new TextDecoder().decode(new Uint8Array(await downloaded.arrayBuffer()).slice(0, 5))).toBe('%PDF-');

    const twice = await w.as.sousTraitant.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('NUMERO_PIECE_DEJA_UTILISE');

    const deleted = await w.as.sousTraitant.call('DELETE', path, { ifMatch: 1, idempotencyKey: 'flow-del-1' });
    expect(deleted.status).toBe(204);
    expect((await w.as.sousTraitant.get(path)).status).toBe(404);
    const again = await w.as.sousTraitant.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero });
    expect(again.status).toBe(201);
  });

  it('refuses to send a piece whose main file is not there yet, and a scanned PDF at verification', async () => {
    const w = world();
    const st = w.as.sousTraitant;
    const created = await st.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero: 'ST-NOFILE' });
    const { dossierId, id: pieceId } = created.body;
    const early = await st.post(`/v1/dossiers/${dossierId}/pieces/${pieceId}/envoyer`, {});
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('FICHIER_PRINCIPAL_MANQUANT');

    // A PDF without any text (an image-only scan): refused, and the draft says why
    const scan = await textPdf([]);
    const form = await st.post(`/v1/dossiers/${dossierId}/pieces/${pieceId}/fichiers`, {
      nom: 'scan.pdf',
      taille: scan.length,
      type: 'application/pdf',
      role: 'PRINCIPAL',
    });
    expect(form.status).toBe(201);
    expect(await postForm(form.body, scan, 'scan.pdf')).toBeLessThan(300);
    await w.platform.settle();
    const draft = await st.get(`/v1/dossiers/${dossierId}/pieces/${pieceId}`);
    expect(draft.body.fichiers[0].verification.statut).toBe('REFUSE');
    expect(draft.body.fichiers[0].verification.message).toMatch(/PDF texte/);
  });
});

describe('a sous-traitant invoice, from deposit to payment', () => {
  it('goes A9 → titulaire → MOE → MOA → service financier → paid, every resource telling the same story', async () => {
    const w = world();
    const opened = await w.open(w.as.sousTraitant, {
      cadre: 'A9',
      numero: 'ST-2026-001',
      montants: M('10000.00', '2000.00', '12000.00'),
    });
    expect(opened.version).toBe(1);
    expect(opened.body.certificat).toMatch(/^CERT-/);
    expect(opened.body.message).toBe(
      'La pièce n° ST-2026-001 est validée, elle est en cours de transmission au service concerné',
    );
    const id = opened.dossierId;

    // GET the dossier: state, pending action, my actions, ETag
    const read = await w.as.mandataire.get(`/v1/dossiers/${id}`);
    expect(read.status).toBe(200);
    expect(read.version).toBe(1);
    expect(read.body).toMatchObject({ etat: 'VALIDATION_1', statut: 'A_VALIDER_1', origine: 'SOUS_TRAITANT' });
    expect(read.body.attente.acteur.siret).toBe(S.mandataire);
    expect(read.body.mesActions.map((a: { type: string }) => a.type)).toEqual(['VALIDER', 'REFUSER']);
    expect((await w.as.moe.get(`/v1/dossiers/${id}`)).body.mesActions).toEqual([]);

    // Once sent, the piece and its files are readable by every actor of the marché
    const piece = await w.as.moe.get(`/v1/dossiers/${id}/pieces/${opened.pieceId}`);
    expect(piece.body).toMatchObject({ statut: 'ENVOYEE', envoyee: true, certificat: opened.body.certificat });
    const link = await w.as.moe.get(
      `/v1/dossiers/${id}/pieces/${opened.pieceId}/fichiers/${piece.body.fichiers[0].id}/telechargement`,
    );
    expect(link.status).toBe(200);
    expect((await fetch(link.body.url)).status).toBe(200);

    let v = (await w.act(w.as.mandataire, id, 1, { type: 'VALIDER' })).version;
    expect(v).toBe(2);

    // MOE: état d'acompte (A15) with corrected amounts, sent through the action that names the draft
    const a15 = await w.draft(w.as.moe, `/v1/dossiers/${id}/pieces`, {
      cadre: 'A15',
      numero: 'EA-ST-001',
      montants: M('9500.00', '1900.00', '11400.00'),
    });
    const moe = await w.act(w.as.moe, id, v, { type: 'DEPOSER_ETAT_ACOMPTE', pieceId: a15.pieceId });
    expect(moe.status).toBe(200);
    expect(moe.body).toMatchObject({ etat: 'VALIDATION_MOA', statut: 'MISE_A_DISPOSITION_MOA' });
    expect(moe.body.certificat).toMatch(/^CERT-/);
    v = moe.version;

    // MOA: état d'acompte validé (A19), sent with « Valider et envoyer »
    const moa = await w.follow(w.as.moa, id, v, {
      type: 'VALIDER_ETAT_ACOMPTE',
      cadre: 'A19',
      numero: 'EAV-ST-001',
      montants: M('9500.00', '1900.00', '11400.00'),
    });
    expect(moa.status).toBe(200);
    expect(moa.body.etat).toBe('TRAITEMENT_SERVICE_FINANCIER');
    v = moa.version;

    for (const type of ['SERVICE_FAIT', 'MANDATER', 'METTRE_EN_PAIEMENT']) {
      const r = await w.act(w.as.serviceFinancier, id, v, { type });
      expect(r.status, `${type}: ${JSON.stringify(r.body)}`).toBe(200);
      v = r.version;
    }
    const paid = await w.as.sousTraitant.get(`/v1/dossiers/${id}`);
    expect(paid.body).toMatchObject({ clos: true, issue: 'PAYE', statut: 'MISE_EN_PAIEMENT', attente: null });
    expect(paid.body.pieces.map((p: { cadre: string }) => p.cadre)).toEqual(['A9', 'A15', 'A19']);
    expect(paid.body.pieces[1].montants).toEqual(M('9500.00', '1900.00', '11400.00'));
    const types = paid.body.chronologie.map((e: { type: string }) => e.type);
    for (const t of ['PIECE_DEPOSEE', 'PIECE_VALIDEE', 'SERVICE_FAIT', 'MANDATEE', 'MISE_EN_PAIEMENT']) {
      expect(types).toContain(t);
    }

    // The DGP clock: started at the titulaire's acceptance, paid the same day, nothing late
    const delai = await w.as.moa.get(`/v1/dossiers/${id}/delai`);
    expect(delai.body).toMatchObject({ statut: 'PAYE', joursDeRetard: 0, indemniteForfaitaire: '0.00' });
    expect(delai.body.echeance).toBeDefined();

    // The audit trail verifies, and every deposit carries the hash of its files
    const trail = await w.as.consultation.get(`/v1/dossiers/${id}/historique`);
    expect(trail.body.verification).toMatchObject({ integre: true, longueur: trail.body.evenements.length });
    const deposits = trail.body.evenements.filter((e: { type: string }) => e.type === 'PIECE_DEPOSEE');
    expect(deposits).toHaveLength(3);
    for (const e of deposits) expect(e.empreintesFichiers[0]).toMatch(/^[0-9a-f]{64}$/);

    // The marché's list, with a status filter
    const all = await w.as.moe.get(`/v1/marches/${DEMO.marcheId}/dossiers`);
    expect(all.body.dossiers.map((d: { id: string }) => d.id)).toContain(id);
    const paidOnes = await w.as.moe.get(`/v1/marches/${DEMO.marcheId}/dossiers?statut=MISE_EN_PAIEMENT`);
    expect(paidOnes.body.dossiers.length).toBeGreaterThan(0);
    expect(paidOnes.body.dossiers.every((d: { statut: string }) => d.statut === 'MISE_EN_PAIEMENT')).toBe(true);
    const waiting = await w.as.moe.get(`/v1/marches/${DEMO.marcheId}/dossiers?statut=A_VALIDER_1`);
    expect(waiting.body.dossiers.map((d: { id: string }) => d.id)).not.toContain(id);
  });

  it('pages the list of a marché with an opaque cursor', async () => {
    const w = world();
    for (const n of [1, 2, 3]) await w.open(w.as.sousTraitant, { cadre: 'A9', numero: `ST-PAGE-${n}` });
    const first = await w.as.moe.get(`/v1/marches/${DEMO.marcheId}/dossiers?limite=2`);
    expect(first.body.dossiers).toHaveLength(2);
    expect(first.body.suivant).toBeDefined();
    const second = await w.as.moe.get(
      `/v1/marches/${DEMO.marcheId}/dossiers?limite=2&suivant=${encodeURIComponent(first.body.suivant)}`,
    );
    const ids = [...first.body.dossiers, ...second.body.dossiers].map((d: { id: string }) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    // newest first
    const dates = first.body.dossiers.map((d: { ouvertLe: string }) => d.ouvertLe);
    expect([...dates].sort().reverse()).toEqual(dates);
    const forged = await w.as.moe.get(`/v1/marches/${DEMO.marcheId}/dossiers?suivant=bm9wZQ`);
    expect(forged.status).toBe(422);
    expect(forged.body.code).toBe('CURSEUR_INVALIDE');
    // the probe's crafted cursor: the right partition but no table key; DynamoDB used to refuse it (a 500)
    const short = Buffer.from(JSON.stringify({ gsi2pk: `MARCHE#${DEMO.marcheId}`, gsi2sk: 'DOSSIER#' })).toString(
      'base64url',
    );
    const crafted = await w.as.moe.get(`/v1/marches/${DEMO.marcheId}/dossiers?suivant=${short}`);
    expect(crafted.status).toBe(422);
    expect(crafted.body.code).toBe('CURSEUR_INVALIDE');
  });
});

describe('a solde paid late', () => {
  it('goes A7 → A17 → A20 → signed A8 → paid after the échéance, with days per actor, indemnity and interest', async () => {
    const w = world();
    const opened = await w.open(w.as.mandataire, { cadre: 'A7', numero: 'PDF-2026-01' });
    const id = opened.dossierId;
    expect(opened.body.etat).toBe('ETABLISSEMENT_PROJET_DG_MOE');

    let r = await w.follow(w.as.moe, id, opened.version, {
      type: 'DEPOSER_PROJET_DECOMPTE_GENERAL',
      cadre: 'A17',
      numero: 'PDG-2026-01',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    r = await w.follow(w.as.moa, id, r.version, {
      type: 'NOTIFIER_DECOMPTE_GENERAL',
      cadre: 'A20',
      numero: 'DG-2026-01',
    });
    expect(r.body.etat).toBe('SIGNATURE_DG_TITULAIRE');
    r = await w.follow(w.as.mandataire, id, r.version, {
      type: 'SIGNER_DG',
      cadre: 'A8',
      numero: 'DGD-2026-01',
      montants: M('50000.00', '10000.00', '60000.00'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.etat).toBe('TRAITEMENT_SERVICE_FINANCIER');
    expect(r.body.delai.statut).toBe('EN_COURS');
    const echeance = r.body.delai.echeance as string;

    // 40 days with the service financier: 10 days past a 30-day DGP (tokens expire after 12 h of clock)
    await w.platform.advanceClock({ days: 40 });
    await w.refreshSessions();
    let v = (await w.as.serviceFinancier.get(`/v1/dossiers/${id}`)).version as number;
    for (const type of ['SERVICE_FAIT', 'MANDATER', 'METTRE_EN_PAIEMENT']) {
      const done = await w.act(w.as.serviceFinancier, id, v, { type });
      expect(done.status, `${type}: ${JSON.stringify(done.body)}`).toBe(200);
      v = done.version;
    }
    const delai = (await w.as.moa.get(`/v1/dossiers/${id}/delai`)).body;
    expect(delai.statut).toBe('PAYE');
    expect(delai.echeance).toBe(echeance);
    expect(delai.joursDeRetard).toBe(10);
    expect(delai.indemniteForfaitaire).toBe('40.00');
    expect(delai.joursParActeur.SERVICE_FINANCIER).toBe(40);
    expect(delai.joursParActeur.MOE + delai.joursParActeur.MOA + delai.joursParActeur.SERVICE_FINANCIER).toBe(
      delai.joursEcoules,
    );
    // docs/rules/interest.md: interest, or a clear error when the ECB rate of the half-year is not known (never a guess)
    if (delai.interetsMoratoires) {
      expect(delai.interetsMoratoires.jours).toBe(10);
      expect(delai.interetsMoratoires.base).toBe('60000.00');
    } else {
      expect(delai.interetsNonCalculables.code).toMatch(/^[A-Z_]+$/);
    }
    const trail = (await w.as.mandataire.get(`/v1/dossiers/${id}/historique`)).body;
    expect(trail.verification.integre).toBe(true);
    expect(trail.evenements.map((e: { type: string }) => e.type)).toContain('DGD_SIGNE');
  });
});
