import { describe, expect, it } from 'vitest';
import { extractPdfPages } from '../../../../shared/documents/pdf-text';
import { addDays, type CalendarDate, parisDateOf } from '../../../../shared/domain/calendar';
import { postForm, sha256Hex, textPdf } from './client';
import { DEMO, useWorld } from './world';

/**
 * What the deposit screens need from the API (docs/rules/documents.md#drafts-and-sending), over HTTP on the embedded
 * platform: the structure's drafts (list, edit with If-Match and the PDF's suggestions, delete), the deposit
 * certificate as a PDF, the documents added to a suspended piece and « Compléter » naming them, and the valideur's
 * « Complément d'information ». Bad input is a 4xx problem+json with its code, and writes nothing.
 */
const world = useWorld();
const M = (ht: string, tva: string, ttc: string) => ({ ht, tva, ttc });
const PROBLEM = 'application/problem+json';

describe('cadres a structure may deposit (the first step of the guided deposit)', () => {
  it('offers each role its opening cadres with a line each, says why the others are not, and needs Modification', async () => {
    const w = world();
    const path = `/v1/marches/${DEMO.marcheId}/cadres-deposables`;
    const st = await w.as.sousTraitant.get(path);
    expect(st.status).toBe(200);
    type Row = { code: string; deposable: boolean; explication: string; raison?: string };
    const rows = st.body.cadres as Row[];
    expect(rows.filter((c) => c.deposable).map((c) => c.code)).toEqual(['A9', 'A10']);
    expect(rows.find((c) => c.code === 'A4')).toMatchObject({ deposable: false, raison: 'ROLE' });
    expect(rows.every((c) => c.explication.length > 0)).toBe(true);
    // The MOE opens no dossier: its pieces follow the previous one
    const moe = (await w.as.moe.get(path)).body.cadres as Row[];
    expect(moe.find((c) => c.code === 'A15')).toMatchObject({ deposable: false, raison: 'PIECE_SUIVANTE' });
    // The demo marché has a MOE: the mandataire opens with its PDM (A4) or its projet de décompte final (A7)
    const mandataire = await w.as.mandataire.get(path);
    expect((mandataire.body.cadres as Row[]).filter((c) => c.deposable).map((c) => c.code)).toEqual(['A4', 'A7']);
    // A member in Consultation deposits nothing: 403 problem+json
    const lecteur = await w.as.consultation.get(path);
    expect(lecteur.status).toBe(403);
    expect(lecteur.headers.get('content-type')).toContain(PROBLEM);
    const unknown = await w.as.sousTraitant.get('/v1/marches/01JZ0DEM00000000000000ZZZZ/cadres-deposables');
    expect(unknown.status).toBe(404);
  });
});

describe('drafts: list, edit, delete', () => {
  it('lists the structure’s drafts with their age, to its members only', async () => {
    const w = world();
    const d = await w.draft(w.as.sousTraitant, `/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A9',
      numero: 'BR-LIST-1',
    });
    const list = await w.as.sousTraitant.get(`/v1/structures/${DEMO.sirets.sousTraitant}/brouillons`);
    expect(list.status).toBe(200);
    const mine = list.body.brouillons.find((b: { id: string }) => b.id === d.pieceId);
    // Created today (platform clock): 0 days old
    expect(mine).toMatchObject({ numero: 'BR-LIST-1', cadre: 'A9', nouveauDossier: true, ageJours: 0, version: 1 });
    expect(mine.octetsReserves).toBeGreaterThan(0);
    // Another structure's members do not see them
    const other = await w.as.moe.get(`/v1/structures/${DEMO.sirets.sousTraitant}/brouillons`);
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toContain(PROBLEM);
    const bad = await w.as.sousTraitant.get(`/v1/structures/${DEMO.sirets.sousTraitant}/brouillons?limite=5000`);
    expect(bad.status).toBe(422);
  });

  it('applies the PDF’s suggestions one by one at the version read, and refuses a stale or bad edit without writing', async () => {
    const w = world();
    const st = w.as.sousTraitant;
    const d = await w.draft(st, `/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A9',
      numero: 'BR-EDIT-1',
      pdfLines: [
        'Facture n° FAC-0042',
        'Date : 14/04/2025',
        'Total HT : 2500,00',
        'TVA : 500,00',
        'Total TTC : 3000,00',
      ],
    });
    const path = `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`;
    const read = await st.get(path);
    expect(read.version).toBe(1);
    expect(read.body.suggestions.numeroPiece.valeur).toBe('FAC-0042');

    // Without If-Match, or without Idempotency-Key: 428
    expect(
      (await st.call('PATCH', path, { body: { appliquerSuggestions: ['montants'] }, idempotencyKey: 'k-1' })).status,
    ).toBe(428);
    expect((await st.call('PATCH', path, { body: { appliquerSuggestions: ['montants'] }, ifMatch: 1 })).status).toBe(
      428,
    );

    // The amounts first: 2 500,00 HT + 500,00 TVA = 3 000,00 TTC as read in the PDF
    const edited = await st.call('PATCH', path, {
      body: { appliquerSuggestions: ['montants'] },
      ifMatch: 1,
      idempotencyKey: 'br-edit-1-a',
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.version).toBe(2);
    expect(edited.body.montants).toEqual(M('2500.00', '500.00', '3000.00'));
    expect(edited.body.datePiece).toBeUndefined();

    // The same edit at the old version: 412, nothing written
    const stale = await st.call('PATCH', path, {
      body: { appliquerSuggestions: ['datePiece'] },
      ifMatch: 1,
      idempotencyKey: 'br-edit-1-b',
    });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('VERSION_PERIMEE');

    // Bad input: a number with a forbidden character, incoherent amounts (1 000,00 + 200,00 ≠ 1 250,00)
    const badNumber = await st.call('PATCH', path, { body: { numero: 'FAC/42' }, ifMatch: 2, idempotencyKey: 'b1' });
    expect(badNumber.status).toBe(422);
    expect(badNumber.headers.get('content-type')).toContain(PROBLEM);
    expect(badNumber.body.detail).toMatch(/\//);
    const badAmounts = await st.call('PATCH', path, {
      body: { montants: M('1000.00', '200.00', '1250.00') },
      ifMatch: 2,
      idempotencyKey: 'b2',
    });
    expect(badAmounts.status).toBe(422);
    expect(badAmounts.body.code).toBe('MONTANTS_INCOHERENTS');
    const unknownField = await st.call('PATCH', path, {
      body: { appliquerSuggestions: ['siret'] },
      ifMatch: 2,
      idempotencyKey: 'b3',
    });
    expect(unknownField.status).toBe(422);
    const after = await st.get(path);
    expect(after.version).toBe(2);
    expect(after.body.numero).toBe('BR-EDIT-1');
    expect(after.body.montants).toEqual(M('2500.00', '500.00', '3000.00'));

    // Then the rest, all at once: numéro and date from the PDF; the old number is free again
    const all = await st.call('PATCH', path, {
      body: { appliquerSuggestions: ['numero', 'datePiece'] },
      ifMatch: 2,
      idempotencyKey: 'br-edit-1-c',
    });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body).toMatchObject({ numero: 'FAC-0042', datePiece: '2025-04-14', version: 3 });
    // A replay of the same key gives the same answer, once
    const replay = await st.call('PATCH', path, {
      body: { appliquerSuggestions: ['numero', 'datePiece'] },
      ifMatch: 2,
      idempotencyKey: 'br-edit-1-c',
    });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const reuse = await st.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero: 'BR-EDIT-1' });
    expect(reuse.status).toBe(201);
    // …and the new one is claimed
    const taken = await st.call('PATCH', `/v1/dossiers/${reuse.body.dossierId}/pieces/${reuse.body.id}`, {
      body: { numero: 'fac-0042' },
      ifMatch: 1,
      idempotencyKey: 'br-edit-1-d',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('NUMERO_PIECE_DEJA_UTILISE');

    // A suggestion the PDF did not give is refused by name
    const none = await st.call('PATCH', `/v1/dossiers/${reuse.body.dossierId}/pieces/${reuse.body.id}`, {
      body: { appliquerSuggestions: ['montants'] },
      ifMatch: 1,
      idempotencyKey: 'br-edit-1-e',
    });
    expect(none.status).toBe(422);
    expect(none.body.code).toBe('SUGGESTION_ABSENTE');

    // Nobody else edits it: to another structure a draft does not exist or is not theirs
    const foreign = await w.as.mandataire.call('PATCH', path, {
      body: { numero: 'X-1' },
      ifMatch: 3,
      idempotencyKey: 'f',
    });
    expect([403, 404]).toContain(foreign.status);
  });

  it('accepts the PDF’s addressee SIRET and engagement when they are the marché’s, refuses others without writing', async () => {
    const w = world();
    const st = w.as.sousTraitant;
    // Addressed to the MOE (a marché acteur, not its buyer) with an engagement the marché does not record
    const wrong = await w.draft(st, `/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A9',
      numero: 'BR-DEST-1',
      pdfLines: ['Facture n° FAC-DEST-1', `SIRET client : ${DEMO.sirets.moe}`, 'Engagement juridique : EJ-2024-999'],
    });
    const wrongPath = `/v1/dossiers/${wrong.dossierId}/pieces/${wrong.pieceId}`;
    expect((await st.get(wrongPath)).body.suggestions.siretDestinataire.valeur).toBe(DEMO.sirets.moe);
    const badSiret = await st.call('PATCH', wrongPath, {
      body: { appliquerSuggestions: ['siretDestinataire'] },
      ifMatch: 1,
      idempotencyKey: 'dest-1',
    });
    expect(badSiret.status).toBe(422);
    expect(badSiret.headers.get('content-type')).toContain(PROBLEM);
    expect(badSiret.body.code).toBe('SIRET_DESTINATAIRE_HORS_MARCHE');
    expect(badSiret.body.detail).toContain(DEMO.sirets.moa);
    const badEngagement = await st.call('PATCH', wrongPath, {
      body: { appliquerSuggestions: ['engagementJuridique'] },
      ifMatch: 1,
      idempotencyKey: 'dest-2',
    });
    expect(badEngagement.status).toBe(422);
    expect(badEngagement.body.code).toBe('ENGAGEMENT_DIFFERENT_DU_MARCHE');
    expect(badEngagement.body.detail).toContain(DEMO.engagementJuridique);
    // « Accepter toutes » with one wrong value writes none of them: same version, same number
    const all = await st.call('PATCH', wrongPath, {
      body: { appliquerSuggestions: ['numero', 'siretDestinataire'] },
      ifMatch: 1,
      idempotencyKey: 'dest-3',
    });
    expect(all.status).toBe(422);
    const unchanged = await st.get(wrongPath);
    expect(unchanged.version).toBe(1);
    expect(unchanged.body.numero).toBe('BR-DEST-1');
    expect(unchanged.body.destinataire).toBeUndefined();

    // The marché's buyer (the MOA) and its engagement number: accepted one by one, then kept together
    const right = await w.draft(st, `/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A9',
      numero: 'BR-DEST-2',
      pdfLines: [`SIRET client : ${DEMO.sirets.moa}`, `N° d'engagement juridique : ${DEMO.engagementJuridique}`],
    });
    const rightPath = `/v1/dossiers/${right.dossierId}/pieces/${right.pieceId}`;
    const siret = await st.call('PATCH', rightPath, {
      body: { appliquerSuggestions: ['siretDestinataire'] },
      ifMatch: 1,
      idempotencyKey: 'dest-4',
    });
    expect(siret.status, JSON.stringify(siret.body)).toBe(200);
    expect(siret.body.destinataire).toEqual({ siret: DEMO.sirets.moa });
    const engagement = await st.call('PATCH', rightPath, {
      body: { appliquerSuggestions: ['engagementJuridique'] },
      ifMatch: 2,
      idempotencyKey: 'dest-5',
    });
    expect(engagement.status, JSON.stringify(engagement.body)).toBe(200);
    expect(engagement.body.destinataire).toEqual({
      siret: DEMO.sirets.moa,
      engagementJuridique: DEMO.engagementJuridique,
    });
    expect(engagement.version).toBe(3);
  });

  it('removes one file from a draft at the version read: its room given back, its file hidden, its trace kept', async () => {
    const w = world();
    const st = w.as.sousTraitant;
    const d = await w.draft(st, `/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero: 'BR-RET-1' });
    const path = `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`;
    const main = d.draft.fichiers[0];
    // A verified attachment, and an attachment's form taken and never used (5 000 bytes reserved)
    const annexe = await textPdf(['Attachement n° 1']);
    const annexeForm = await st.post(`${path}/fichiers`, {
      nom: 'attachement.pdf',
      taille: annexe.length,
      type: 'application/pdf',
      role: 'ANNEXE',
      sha256: sha256Hex(annexe),
    });
    expect(await postForm(annexeForm.body, annexe, 'attachement.pdf')).toBeLessThan(300);
    const unused = await st.post(`${path}/fichiers`, {
      nom: 'plan.pdf',
      taille: 5000,
      type: 'application/pdf',
      role: 'ANNEXE',
    });
    expect(unused.status).toBe(201);
    await w.platform.settle();
    const before = await st.get(path);
    // main + attachment (real sizes, verified) + 5 000 declared
    expect(before.body.octetsReserves).toBe(main.taille + annexe.length + 5000);
    const file = (id: string) => `${path}/fichiers/${id}`;

    // Without If-Match: 428; at a version that is not the draft's: 412; another structure: not theirs
    expect((await st.call('DELETE', file(annexeForm.body.fichierId), { idempotencyKey: 'ret-0' })).status).toBe(428);
    const stale = await st.call('DELETE', file(annexeForm.body.fichierId), { ifMatch: 7, idempotencyKey: 'ret-1' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toContain(PROBLEM);
    const foreign = await w.as.mandataire.call('DELETE', file(annexeForm.body.fichierId), {
      ifMatch: 1,
      idempotencyKey: 'ret-2',
    });
    expect([403, 404]).toContain(foreign.status);
    expect((await st.get(path)).body.octetsReserves).toBe(before.body.octetsReserves);

    // The verified attachment: removed, its bytes given back, no longer served, traced
    const removed = await st.call('DELETE', file(annexeForm.body.fichierId), { ifMatch: 1, idempotencyKey: 'ret-3' });
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    const replay = await st.call('DELETE', file(annexeForm.body.fichierId), { ifMatch: 1, idempotencyKey: 'ret-3' });
    expect(replay.status).toBe(204);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const again = await st.call('DELETE', file(annexeForm.body.fichierId), { ifMatch: 1, idempotencyKey: 'ret-4' });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('FICHIER_INCONNU');
    let after = await st.get(path);
    expect(after.body.octetsReserves).toBe(main.taille + 5000);
    expect(after.body.fichiers.map((f: { id: string }) => f.id)).not.toContain(annexeForm.body.fichierId);
    expect(after.body.fichiersRetires).toEqual([
      { id: annexeForm.body.fichierId, nom: 'attachement.pdf', retireLe: expect.any(String) },
    ]);
    expect(after.version).toBe(1);
    expect((await st.get(`${file(annexeForm.body.fichierId)}/telechargement`)).status).toBe(404);

    // The unused form: its 5 000 bytes given back; what it uploads later is hidden on arrival
    expect((await st.call('DELETE', file(unused.body.fichierId), { ifMatch: 1, idempotencyKey: 'ret-5' })).status).toBe(
      204,
    );
    expect(await postForm(unused.body, await textPdf(['Plan']), 'plan.pdf')).toBeLessThan(300);
    await w.platform.settle();
    after = await st.get(path);
    expect(after.body.octetsReserves).toBe(main.taille);
    expect(after.body.fichiers).toHaveLength(1);

    // The main file: removed, the piece cannot be sent until a new one is verified, which it may then take
    expect((await st.call('DELETE', file(main.id), { ifMatch: 1, idempotencyKey: 'ret-6' })).status).toBe(204);
    expect((await st.get(path)).body.octetsReserves).toBe(0);
    const send = await st.post(`${path}/envoyer`, {});
    expect(send.status).toBe(409);
    expect(send.body.code).toBe('FICHIER_PRINCIPAL_MANQUANT');
    const pdf = await textPdf(['Facture n° BR-RET-1']);
    const mainAgain = await st.post(`${path}/fichiers`, {
      nom: 'facture.pdf',
      taille: pdf.length,
      type: 'application/pdf',
      role: 'PRINCIPAL',
      sha256: sha256Hex(pdf),
    });
    expect(mainAgain.status).toBe(201);
  });

  it('deletes a draft at the version read: its number freed, its reservation gone, its files hidden', async () => {
    const w = world();
    const st = w.as.sousTraitant;
    const d = await w.draft(st, `/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero: 'BR-DEL-1' });
    const path = `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`;
    // An attachment's form taken and never used: its reservation must not survive the draft
    const form = await st.post(`${path}/fichiers`, {
      nom: 'plan.pdf',
      taille: 5000,
      type: 'application/pdf',
      role: 'ANNEXE',
    });
    expect(form.status).toBe(201);
    const link = await st.get(`${path}/fichiers/${d.draft.fichiers[0].id}/telechargement`);
    expect((await fetch(link.body.url)).status).toBe(200);

    expect((await st.call('DELETE', path, { idempotencyKey: 'del-1' })).status).toBe(428);
    const stale = await st.call('DELETE', path, { ifMatch: 7, idempotencyKey: 'del-2' });
    expect(stale.status).toBe(412);
    expect((await st.get(path)).status).toBe(200);

    const deleted = await st.call('DELETE', path, { ifMatch: 1, idempotencyKey: 'del-3' });
    expect(deleted.status).toBe(204);
    expect((await st.get(path)).status).toBe(404);
    // Its files are no longer offered to anyone
    expect((await st.get(`${path}/fichiers/${d.draft.fichiers[0].id}/telechargement`)).status).toBe(404);
    // The unused form finds no file any more: whatever it uploads is deleted on arrival
    expect(await postForm(form.body, await textPdf(['Plan']), 'plan.pdf')).toBeLessThan(300);
    await w.platform.settle();
    const list = await st.get(`/v1/structures/${DEMO.sirets.sousTraitant}/brouillons`);
    expect(list.body.brouillons.map((b: { id: string }) => b.id)).not.toContain(d.pieceId);
    expect((await st.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero: 'BR-DEL-1' })).status).toBe(
      201,
    );
  });
});

describe('deposit certificate (PDF)', () => {
  it('names the piece, its certificate and its files; exists once sent, for the readers of the piece', async () => {
    const w = world();
    const draft = await w.draft(w.as.sousTraitant, `/v1/marches/${DEMO.marcheId}/pieces`, {
      cadre: 'A9',
      numero: 'CERT-ST-1',
    });
    const early = await w.as.sousTraitant.get(`/v1/dossiers/${draft.dossierId}/pieces/${draft.pieceId}/certificat`);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('PIECE_NON_ENVOYEE');
    const sent = await w.as.sousTraitant.post(`/v1/dossiers/${draft.dossierId}/pieces/${draft.pieceId}/envoyer`, {});
    expect(sent.status).toBe(201);
    await w.platform.settle();

    for (const s of [w.as.sousTraitant, w.as.moa]) {
      const res = await fetch(`${w.platform.url}/v1/dossiers/${draft.dossierId}/pieces/${draft.pieceId}/certificat`, {
        headers: { authorization: `Bearer ${s.token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const bytes = new Uint8Array(await res.arrayBuffer());
      const text = (await extractPdfPages(bytes)).pages.map((p) => p.text).join('\n');
      expect(text).toContain(sent.body.certificat);
      expect(text).toContain(
        'La pièce n° CERT-ST-1 est validée, elle est en cours de transmission au service concerné',
      );
      expect(text).toContain('A9');
      expect(text).toContain(draft.draft.fichiers[0].verification.sha256);
    }
  });
});

describe('answering a suspension with documents', () => {
  it('takes attachments on the suspended piece from the fournisseur, completes with them, restarts the DGP', async () => {
    const w = world();
    const start = w.platform.clock.now();
    const d0 = parisDateOf(start);
    const D = (n: number): CalendarDate => addDays(d0, n);
    const day = async (n: number) => {
      await w.platform.advanceClock({ to: new Date(start.getTime() + n * 86_400_000) });
      await w.refreshSessions();
    };
    const amounts = M('10000.00', '2000.00', '12000.00');
    const opened = await w.open(w.as.mandataire, { cadre: 'A4', numero: 'PDM-SUSP-1', montants: amounts });
    const id = opened.dossierId;
    let r = await w.follow(w.as.moe, id, opened.version, {
      type: 'DEPOSER_ETAT_ACOMPTE',
      cadre: 'A15',
      numero: 'EA-SUSP-1',
      montants: amounts,
    });
    r = await w.follow(w.as.moa, id, r.version, {
      type: 'VALIDER_ETAT_ACOMPTE',
      cadre: 'A19',
      numero: 'EAV-SUSP-1',
      montants: amounts,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const current = (await w.as.mandataire.get(`/v1/dossiers/${id}`)).body.pieces.at(-1).id as string;
    const piecePath = `/v1/dossiers/${id}/pieces/${current}`;
    const rib = await textPdf(['Relevé d’identité bancaire']);
    const ribForm = {
      nom: 'rib.pdf',
      taille: rib.length,
      type: 'application/pdf',
      role: 'ANNEXE',
      sha256: sha256Hex(rib),
    };

    // Not suspended: a sent piece takes no file
    const tooEarly = await w.as.mandataire.post(`${piecePath}/fichiers`, ribForm);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.code).toBe('PIECE_NON_SUSPENDUE');

    await day(10);
    r = await w.act(w.as.serviceFinancier, id, r.version, { type: 'SUSPENDRE', documentsManquants: ['RIB'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    // Only the fournisseur, only attachments
    expect((await w.as.moe.post(`${piecePath}/fichiers`, ribForm)).status).toBe(403);
    const asMain = await w.as.mandataire.post(`${piecePath}/fichiers`, { ...ribForm, role: 'PRINCIPAL' });
    expect(asMain.status).toBe(422);
    expect(asMain.body.code).toBe('COMPLEMENT_EN_PIECE_JOINTE');

    await day(15);
    const form = await w.as.mandataire.post(`${piecePath}/fichiers`, ribForm);
    expect(form.status, JSON.stringify(form.body)).toBe(201);
    expect(await postForm(form.body, rib, 'rib.pdf')).toBeLessThan(300);
    await w.platform.settle();
    const piece = await w.as.moe.get(piecePath);
    const added = piece.body.fichiers.find((f: { id: string }) => f.id === form.body.fichierId);
    expect(added).toMatchObject({ complement: true, role: 'ANNEXE', verification: { statut: 'VERIFIE' } });

    // Naming a file that is not one of the piece's supplements: 422, nothing written
    const version = (await w.as.mandataire.get(`/v1/dossiers/${id}`)).version as number;
    const wrong = await w.as.mandataire.post(
      `/v1/dossiers/${id}/actions`,
      { type: 'COMPLETER', fichiers: [piece.body.fichiers[0].id] },
      { ifMatch: version },
    );
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('FICHIER_COMPLEMENT_INCONNU');
    expect((await w.as.mandataire.get(`/v1/dossiers/${id}`)).version).toBe(version);

    const done = await w.as.mandataire.post(
      `/v1/dossiers/${id}/actions`,
      { type: 'COMPLETER', fichiers: [form.body.fichierId] },
      { ifMatch: version },
    );
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const after = (await w.as.moa.get(`/v1/dossiers/${id}`)).body;
    // Day 0 is the PDM's deposit; suspended on day 10: 30 − 10 = 20 days were left; the complete answer on day 15
    // opens max(30, 20) = 30 days (CCP R2192-29): échéance = day 15 + 30 = day 45.
    expect(after.delai.echeance).toBe(D(45));
    expect(after.suspension).toMatchObject({ le: D(10), completeeLe: D(15), documentsManquants: ['RIB'] });
    const completed = after.chronologie.find((e: { type: string }) => e.type === 'COMPLETEE');
    expect(completed.details).toMatchObject({
      documents: ['rib.pdf'],
      fichiers: [{ id: form.body.fichierId, nom: 'rib.pdf', sha256: sha256Hex(rib) }],
    });
    expect(completed.empreintesFichiers).toEqual([sha256Hex(rib)]);

    // Answered: the piece takes nothing more
    const late = await w.as.mandataire.post(`${piecePath}/fichiers`, ribForm);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('PIECE_NON_SUSPENDUE');
  });
});

describe('validating with a « Complément d’information »', () => {
  it('keeps the titulaire’s message on the dossier, for every actor; refuses one too long without writing', async () => {
    const w = world();
    const opened = await w.open(w.as.sousTraitant, {
      cadre: 'A9',
      numero: 'ST-CPLT-1',
      montants: M('1000.00', '200.00', '1200.00'),
    });
    const id = opened.dossierId;
    const tooLong = await w.as.mandataire.post(
      `/v1/dossiers/${id}/actions`,
      { type: 'VALIDER', complementInformation: 'x'.repeat(2001) },
      { ifMatch: opened.version },
    );
    expect(tooLong.status).toBe(422);
    expect(tooLong.headers.get('content-type')).toContain(PROBLEM);
    expect((await w.as.mandataire.get(`/v1/dossiers/${id}`)).version).toBe(opened.version);

    const message = 'Situation conforme au constat contradictoire du 28/11.';
    const r = await w.act(w.as.mandataire, id, opened.version, { type: 'VALIDER', complementInformation: message });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const today = parisDateOf(w.platform.clock.now());
    for (const s of [w.as.moe, w.as.sousTraitant, w.as.moa]) {
      const read = (await s.get(`/v1/dossiers/${id}`)).body;
      expect(read.complementsInformation).toEqual([
        { niveau: 1, par: DEMO.sirets.mandataire, le: today, texte: message },
      ]);
      const validated = read.chronologie.find((e: { type: string }) => e.type === 'PIECE_VALIDEE');
      expect(validated.details.complementInformation).toBe(message);
    }
  });
});
