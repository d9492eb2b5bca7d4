import { beforeAll, describe, expect, it } from 'vitest';
import type { Json } from './client';
import { DEMO, useWorld } from './world';

/**
 * Every family of refusal of the rule book comes back over HTTP as a 4xx problem+json with its stable code, and
 * leaves the dossier as it was (docs/rules/circuits.md#refusals, docs/rules/documents.md; shared/domain/circuits/refusals.ts).
 */
const world = useWorld();
const M = { ht: '1000.00', tva: '200.00', ttc: '1200.00' };

async function expectProblem(
  p: Promise<{ status: number; body: Json; headers?: Headers }>,
  status: number,
  code: string,
): Promise<Json> {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.code, JSON.stringify(res.body)).toBe(code);
  expect(res.body.detail).toEqual(expect.any(String));
  return res.body;
}

/** A titulaire's monthly dossier (A4) at the MOE's examination. */
let acompte: { id: string; version: number };

beforeAll(async () => {
  const w = world();
  const opened = await w.open(w.as.mandataire, { cadre: 'A4', numero: 'PDM-REF-1', montants: M });
  acompte = { id: opened.dossierId, version: opened.version };
});

describe('refusals of the rule book, as HTTP problems', () => {
  it('role not allowed (403 ROLE_NON_AUTORISE): the MOA cannot do the MOE’s refusal', async () => {
    const w = world();
    await expectProblem(
      w.as.moa.post(
        `/v1/dossiers/${acompte.id}/actions`,
        { type: 'REFUSER_MOE', motif: 'MAUVAIS_MARCHE' },
        { ifMatch: acompte.version },
      ),
      403,
      'ROLE_NON_AUTORISE',
    );
  });

  it('state not allowed (409 ACTION_NON_AUTORISEE_DANS_CET_ETAT): no mandatement while the MOE examines', async () => {
    const w = world();
    await expectProblem(
      w.as.serviceFinancier.post(
        `/v1/dossiers/${acompte.id}/actions`,
        { type: 'MANDATER' },
        { ifMatch: acompte.version },
      ),
      409,
      'ACTION_NON_AUTORISEE_DANS_CET_ETAT',
    );
  });

  it('an amount disagreement is never a refusal reason (422 REFUS_POUR_MONTANT_INTERDIT)', async () => {
    const w = world();
    await expectProblem(
      w.as.moe.post(
        `/v1/dossiers/${acompte.id}/actions`,
        { type: 'REFUSER_MOE', motif: 'ERREUR_MONTANT' },
        { ifMatch: acompte.version },
      ),
      422,
      'REFUS_POUR_MONTANT_INTERDIT',
    );
  });

  it('DELAI_EXPIRE is the system’s: refused from the API (403)', async () => {
    const w = world();
    await expectProblem(
      w.as.moe.post(`/v1/dossiers/${acompte.id}/actions`, { type: 'DELAI_EXPIRE' }, { ifMatch: acompte.version }),
      403,
      'ROLE_NON_AUTORISE',
    );
  });

  it('If-Match: 428 when absent, 412 when stale', async () => {
    const w = world();
    const path = `/v1/dossiers/${acompte.id}/actions`;
    await expectProblem(
      w.as.moe.post(path, { type: 'REFUSER_MOE', motif: 'MAUVAIS_MARCHE' }),
      428,
      'PRECONDITION_REQUISE',
    );
    await expectProblem(
      w.as.moe.post(path, { type: 'REFUSER_MOE', motif: 'MAUVAIS_MARCHE' }, { ifMatch: acompte.version + 7 }),
      412,
      'VERSION_PERIMEE',
    );
  });

  it('a follow-up piece is sent with If-Match only (428), and by its cadre’s role only (403)', async () => {
    const w = world();
    const a15 = await w.draft(w.as.moe, `/v1/dossiers/${acompte.id}/pieces`, {
      cadre: 'A15',
      numero: 'EA-REF-1',
      montants: M,
    });
    await expectProblem(
      w.as.moe.post(`/v1/dossiers/${acompte.id}/pieces/${a15.pieceId}/envoyer`, { type: 'DEPOSER_ETAT_ACOMPTE' }),
      428,
      'PRECONDITION_REQUISE',
    );
    // The titulaire may not draw up the MOE's état d'acompte
    await expectProblem(
      w.as.mandataire.post(`/v1/dossiers/${acompte.id}/pieces`, { cadre: 'A15', numero: 'EA-REF-X', montants: M }),
      403,
      'CADRE_NON_AUTORISE_POUR_ROLE',
    );
    // Nor send the MOE's draft
    await expectProblem(
      w.as.mandataire.post(
        `/v1/dossiers/${acompte.id}/actions`,
        { type: 'DEPOSER_ETAT_ACOMPTE', pieceId: a15.pieceId },
        { ifMatch: acompte.version },
      ),
      403,
      'PIECE_D_UNE_AUTRE_STRUCTURE',
    );
  });

  it('a piece number is unique per depositing structure (409), a cadre of another space is refused (422)', async () => {
    const w = world();
    await expectProblem(
      w.as.mandataire.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A4', numero: 'PDM-REF-1' }),
      409,
      'NUMERO_PIECE_DEJA_UTILISE',
    );
    // Another structure may use the same number
    expect(
      (await w.as.sousTraitant.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero: 'PDM-REF-1' }))
        .status,
    ).toBe(201);
    const a1 = await expectProblem(
      w.as.mandataire.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A1', numero: 'FAC-A1' }),
      422,
      'CADRE_HORS_TRAVAUX',
    );
    expect(a1.detail).toContain('Factures émises');
    await expectProblem(
      w.as.mandataire.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A4', numero: 'PDM/REF' }),
      422,
      'NUMERO_PIECE_CARACTERE_INTERDIT',
    );
    // A follow-up cadre does not open a dossier
    await expectProblem(
      w.as.moe.post(`/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A15', numero: 'EA-OPEN' }),
      422,
      'CADRE_NON_INITIAL',
    );
  });

  it('who may not act or read: consultation mode, pending attachment, unknown dossier, malformed action', async () => {
    const w = world();
    const path = `/v1/dossiers/${acompte.id}/actions`;
    await expectProblem(
      w.as.consultation.post(path, { type: 'REFUSER_MOA', motif: 'MAUVAIS_MARCHE' }, { ifMatch: acompte.version }),
      403,
      'MODE_CONSULTATION_SEULEMENT',
    );
    expect((await w.as.consultation.get(`/v1/dossiers/${acompte.id}`)).status).toBe(200);
    await expectProblem(w.as.pending.get(`/v1/dossiers/${acompte.id}`), 403, 'RATTACHEMENT_EN_ATTENTE');
    await expectProblem(w.as.moe.get('/v1/dossiers/DOS-01JQ8Z6X4C5V7B9N2M3K4J5H6G'), 404, 'DOSSIER_INCONNU');
    const invalid = await expectProblem(
      w.as.moe.post(path, { type: 'REFUSER_MOE' }, { ifMatch: acompte.version }),
      422,
      'DONNEES_INVALIDES',
    );
    expect(invalid.fields.map((f: { path: string }) => f.path)).toContain('motif');
    await expectProblem(w.as.moe.get('/v1/dossiers/pas-un-dossier'), 422, 'DONNEES_INVALIDES');
  });

  it('leaves the dossier untouched by all of the above', async () => {
    const w = world();
    const now = await w.as.moe.get(`/v1/dossiers/${acompte.id}`);
    expect(now.version).toBe(acompte.version);
    expect(now.body.etat).toBe('EXAMEN_MOE');
    const trail = (await w.as.moe.get(`/v1/dossiers/${acompte.id}/historique`)).body;
    expect(trail.verification.integre).toBe(true);
    expect(trail.evenements.filter((e: { type: string }) => e.type === 'PIECE_DEPOSEE')).toHaveLength(1);
  });
});

describe('the service financier’s single suspension, completion and recycling', () => {
  it('refuses a second suspension (409 SUSPENSION_DEJA_UTILISEE) and any change but the addressee on recycling', async () => {
    const w = world();
    const opened = await w.open(w.as.mandataire, { cadre: 'A4', numero: 'PDM-SUSP-1', montants: M });
    const id = opened.dossierId;
    let r = await w.follow(w.as.moe, id, opened.version, {
      type: 'DEPOSER_ETAT_ACOMPTE',
      cadre: 'A15',
      numero: 'EA-SUSP-1',
      montants: M,
    });
    r = await w.follow(w.as.moa, id, r.version, {
      type: 'VALIDER_ETAT_ACOMPTE',
      cadre: 'A19',
      numero: 'EAV-SUSP-1',
      montants: M,
    });
    expect(r.body.etat).toBe('TRAITEMENT_SERVICE_FINANCIER');

    const empty = await w.act(w.as.serviceFinancier, id, r.version, { type: 'SUSPENDRE', documentsManquants: [] });
    expect(empty.status).toBe(422);
    expect(empty.body.code).toBe('LISTE_DOCUMENTS_VIDE');

    r = await w.act(w.as.serviceFinancier, id, r.version, {
      type: 'SUSPENDRE',
      documentsManquants: ['Attestation URSSAF', 'RIB'],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.delai).toMatchObject({ statut: 'SUSPENDU', suspendu: true });
    expect(r.body.delai.suspension.documentsManquants).toEqual(['Attestation URSSAF', 'RIB']);
    r = await w.act(w.as.mandataire, id, r.version, { type: 'COMPLETER', documents: ['Attestation URSSAF', 'RIB'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.statut).toBe('COMPLETEE');

    const second = await w.act(w.as.serviceFinancier, id, r.version, {
      type: 'SUSPENDRE',
      documentsManquants: ['Kbis'],
    });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('SUSPENSION_DEJA_UTILISEE');

    r = await w.act(w.as.serviceFinancier, id, r.version, { type: 'METTRE_A_RECYCLER', motif: 'Mauvais code service' });
    expect(r.body.etat).toBe('RECYCLAGE');
    // Chorus Pro « recycler »: only SIRET, code service and engagement number may change
    const widened = await w.act(w.as.moa, id, r.version, { type: 'RECYCLER', codeService: 'SERV-2', montant: '1.00' });
    expect(widened.status).toBe(422);
    expect(widened.body.code).toBe('RECYCLAGE_CHAMP_NON_MODIFIABLE');
    // docs/rules/structures.md#directory: the new addressee's directory is checked — a code service it does not have is refused
    const unknownService = await w.act(w.as.moa, id, r.version, { type: 'RECYCLER', codeService: 'SERV-TRAVAUX' });
    expect(unknownService.status).toBe(422);
    expect(unknownService.body.code).toBe('CODE_SERVICE_INCONNU');
    const recycled = await w.act(w.as.moa, id, r.version, { type: 'RECYCLER', engagementJuridique: '1300099999' });
    expect(recycled.status, JSON.stringify(recycled.body)).toBe(200);
    expect(recycled.body.etat).toBe('TRAITEMENT_SERVICE_FINANCIER');
  });
});

describe('business inputs refused at the edge (422, French detail)', () => {
  const piecesOfMarche = `/v1/marches/${DEMO.marcheId}/pieces`;

  it('a negative amount on a subcontractor’s invoice (MONTANT_NEGATIF)', async () => {
    const w = world();
    const body = await expectProblem(
      w.as.sousTraitant.post(piecesOfMarche, {
        cadre: 'A9',
        numero: 'FAC-NEG-1',
        montants: { ht: '-1000.00', tva: '-200.00', ttc: '-1200.00' },
      }),
      422,
      'MONTANT_NEGATIF',
    );
    expect(body.detail).toContain('négatif');
  });

  it('a piece dated 9999-12-31 or before the marché’s notification (2025-01-15) (DATE_PIECE_*)', async () => {
    const w = world();
    await expectProblem(
      w.as.mandataire.post(piecesOfMarche, { cadre: 'A4', numero: 'PDM-DATE-1', datePiece: '9999-12-31' }),
      422,
      'DATE_PIECE_FUTURE',
    );
    await expectProblem(
      w.as.mandataire.post(piecesOfMarche, { cadre: 'A4', numero: 'PDM-DATE-2', datePiece: '1900-01-01' }),
      422,
      'DATE_PIECE_AVANT_MARCHE',
    );
  });

  it('file names with NUL, a right-to-left override or a reserved device name (NOM_FICHIER_*)', async () => {
    const w = world();
    const created = await w.as.mandataire.post(piecesOfMarche, { cadre: 'A4', numero: 'PDM-NOM-1', montants: M });
    expect(created.status).toBe(201);
    const path = `/v1/dossiers/${created.body.dossierId}/pieces/${created.body.id}/fichiers`;
    const form = (nom: string) => ({ nom, taille: 1000, type: 'application/pdf', role: 'PRINCIPAL' });
    await expectProblem(w.as.mandataire.post(path, form('facture\u0000.pdf')), 422, 'NOM_FICHIER_CARACTERE_INTERDIT');
    await expectProblem(
      w.as.mandataire.post(path, form('facture\u202Egnp.pdf')),
      422,
      'NOM_FICHIER_CARACTERE_INTERDIT',
    );
    await expectProblem(w.as.mandataire.post(path, form('CON.pdf')), 422, 'NOM_FICHIER_RESERVE');
  });
});
