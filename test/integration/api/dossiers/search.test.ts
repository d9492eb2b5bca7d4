import { beforeAll, describe, expect, it } from 'vitest';
import type { Json } from './client';
import { DEMO, useWorld } from './world';

/**
 * « Rechercher » over HTTP (GET /v1/dossiers): a structure's dossiers across its marchés, from the indexes, filtered
 * by the rule book's criteria, paginated by cursor. Three dossiers of the demo marché, opened in this order:
 * PDM-RECH-1 (titulaire, 12 000,00 € TTC), PDM-RECH-2 (titulaire, 600,00 € TTC), ST-RECH-1 (sous-traitant, A9).
 */
const world = useWorld();
const S = DEMO.sirets;
const ids: Record<string, string> = {};
const numeros = (body: Json) => (body.dossiers as Json[]).map((x) => x.pieceCourante?.numero);

beforeAll(async () => {
  const w = world();
  ids.pdm1 = (
    await w.open(w.as.mandataire, {
      cadre: 'A4',
      numero: 'PDM-RECH-1',
      montants: { ht: '10000.00', tva: '2000.00', ttc: '12000.00' },
    })
  ).dossierId;
  ids.pdm2 = (
    await w.open(w.as.mandataire, {
      cadre: 'A4',
      numero: 'PDM-RECH-2',
      montants: { ht: '500.00', tva: '100.00', ttc: '600.00' },
    })
  ).dossierId;
  ids.st1 = (await w.open(w.as.sousTraitant, { cadre: 'A9', numero: 'ST-RECH-1' })).dossierId;
});

describe('GET /v1/dossiers (Rechercher)', () => {
  it('lists the structure’s dossiers newest first, or oldest first', async () => {
    const w = world();
    const all = await w.as.mandataire.get('/v1/dossiers');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.siret).toBe(S.mandataire);
    expect(numeros(all.body)).toEqual(['ST-RECH-1', 'PDM-RECH-2', 'PDM-RECH-1']);
    expect(all.body.suivant).toBeUndefined();
    const oldest = await w.as.mandataire.get('/v1/dossiers?tri=ancien');
    expect(numeros(oldest.body)).toEqual(['PDM-RECH-1', 'PDM-RECH-2', 'ST-RECH-1']);
    const first = all.body.dossiers[2];
    expect(first).toMatchObject({
      id: ids.pdm1,
      marcheId: DEMO.marcheId,
      statut: 'MISE_A_DISPOSITION_MOE',
      ouvert: true,
      montantTtc: '12000.00',
      numeros: ['PDM-RECH-1'],
      enRetard: false,
      enAttenteDeMoi: false,
    });
  });

  it('pages with an opaque cursor until the last page, which has none', async () => {
    const w = world();
    const seen: string[] = [];
    let path = '/v1/dossiers?limite=2';
    for (let page = 0; page < 3; page++) {
      const r = await w.as.mandataire.get(path);
      expect(r.status).toBe(200);
      seen.push(...numeros(r.body));
      if (!r.body.suivant) break;
      path = `/v1/dossiers?limite=2&suivant=${encodeURIComponent(r.body.suivant)}`;
    }
    expect(seen).toEqual(['ST-RECH-1', 'PDM-RECH-2', 'PDM-RECH-1']);
  });

  it('filters by numéro prefix, cadre, déposant, statut, montant, marché, dates and « en attente de moi »', async () => {
    const w = world();
    const q = async (query: string) => numeros((await w.as.mandataire.get(`/v1/dossiers?${query}`)).body);
    expect(await q('numero=pdm-rech')).toEqual(['PDM-RECH-2', 'PDM-RECH-1']);
    expect(await q('cadre=A9')).toEqual(['ST-RECH-1']);
    expect(await q(`deposant=${S.sousTraitant}`)).toEqual(['ST-RECH-1']);
    expect(await q('statut=A_VALIDER_1')).toEqual(['ST-RECH-1']);
    expect(await q('statut=A_VALIDER_1,MISE_A_DISPOSITION_MOE')).toEqual(['ST-RECH-1', 'PDM-RECH-2', 'PDM-RECH-1']);
    // 600,00 ≤ TTC ≤ 1 000,00 keeps PDM-RECH-2 only (ST-RECH-1 has no amount)
    expect(await q('montantMin=600.00&montantMax=1000.00')).toEqual(['PDM-RECH-2']);
    expect(await q(`marche=${DEMO.marcheId}&numero=ST`)).toEqual(['ST-RECH-1']);
    expect(await q('jusqua=2000-01-01')).toEqual([]);
    // The sous-traitant's A9 waits for the mandataire's validation (A_VALIDER_1)
    expect(await q('enAttenteDeMoi=true')).toEqual(['ST-RECH-1']);
    expect(await q('enRetard=true')).toEqual([]);
  });

  it('shows a structure only the dossiers it is a party to', async () => {
    const w = world();
    const st = await w.as.sousTraitant.get('/v1/dossiers');
    expect(numeros(st.body)).toEqual(['ST-RECH-1']);
  });

  it('refuses unknown parameters, a bad cursor, a bad status, and a structure the caller is not attached to', async () => {
    const w = world();
    // An unknown parameter makes the request malformed (400), like unreadable JSON; a wrong value is a 422
    const unknown = await w.as.mandataire.get('/v1/dossiers?couleur=bleu&numero=A4');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
    expect(unknown.body.code).toBe('PARAMETRE_INCONNU');
    expect(unknown.body.fields).toEqual([{ path: 'query.couleur', message: 'Paramètre inconnu.' }]);
    const cursor = await w.as.mandataire.get('/v1/dossiers?suivant=abc');
    expect(cursor.status).toBe(422);
    expect(cursor.body.code).toBe('CURSEUR_INVALIDE');
    expect((await w.as.mandataire.get('/v1/dossiers?statut=PAYE_PEUT_ETRE')).status).toBe(422);
    expect((await w.as.mandataire.get('/v1/dossiers?limite=1000')).status).toBe(422);
    const other = await w.as.mandataire.get('/v1/dossiers', { headers: { 'x-structure-siret': S.moa } });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('UTILISATEUR_NON_RATTACHE');
  });
});
