import { beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '../../../../shared/adapters/dynamo/document-client';
import { keys } from '../../../../shared/adapters/dynamo/keys';
import { newId } from '../../../../shared/adapters/ids';
import type { WorkflowPort } from '../../../../shared/adapters/workflow';
import { addDays, type CalendarDate, daysBetween, parisDateOf } from '../../../../shared/domain/calendar';
import { DEMO } from '../../../../shared/seed/demo';
import { contextWith } from '../../../../shared/services/context';
import type { ActResult } from '../../../../shared/services/decisions';
import type { DossierService } from '../../../../shared/services/dossier-service';
import { copyIndexEntry } from '../../../fixtures/index-copies';
import { usePlatform } from '../../../setup/platform';
import { call, exercised, expectProblem, freshSiret, login, newUser, seed } from './http';

/**
 * The structure's views answered from indexes (Synthèse, Tableau de bord, délais of the MOA), on dossiers opened
 * on the demo marché through DossierService (the rule book), on the platform's shiftable clock.
 */

const platform = usePlatform();
const s = DEMO.sirets;
const noWorkflow: WorkflowPort = { start: async () => 'started', release: async () => true };

let service: DossierService;
const tokens: Record<string, string> = {};

async function deposePdm(numero: string): Promise<ActResult> {
  const now = platform().clock.now();
  return service.act({
    marcheId: DEMO.marcheId,
    actor: { siret: s.mandataire, roles: ['MANDATAIRE'] },
    action: { type: 'DEPOSER', dossierId: `DOS-${newId(now)}`, piece: { id: newId(now), numero, cadre: 'A4' } },
    userId: DEMO.users.mandataire.id,
  });
}

/** Tokens last 12 hours: moving the clock by days expires them, as in AWS; sign in again. */
async function signInAll(): Promise<void> {
  for (const key of ['moa', 'moe', 'mandataire', 'cotraitant', 'consultation', 'pending'] as const) {
    tokens[key] = await login(platform(), DEMO.users[key].login);
  }
}

let d1: ActResult;
let d2: ActResult;
const d1Piece = { cadre: 'A4', numero: 'PDM-TDB-01' };
const d2Piece = { cadre: 'A4', numero: 'PDM-TDB-02' };

beforeAll(async () => {
  const p = platform();
  await seed(p);
  service = contextWith({
    dynamo: p.clients.document,
    tableName: p.tableName,
    clock: p.clock,
    workflow: noWorkflow,
  }).dossiers;
  d1 = await deposePdm('PDM-TDB-01');
  await p.advanceClock({ days: 5 });
  d2 = await deposePdm('PDM-TDB-02');
  await signInAll();
});

describe('GET /v1/structures/{siret}/synthese', () => {
  it('lists what waits for the MOE, soonest deadline first, with the actions it may take', async () => {
    const p = platform();
    const res = await call(p, 'GET', '/v1/structures/{siret}/synthese', {
      token: tokens.moe,
      params: { siret: s.moe },
    });
    expect(res.status).toBe(200);
    expect(res.body.attentes.map((a: { dossierId: string }) => a.dossierId)).toEqual([d1.dossier.id, d2.dossier.id]);
    const [first] = res.body.attentes;
    expect(first).toMatchObject({
      etape: 'EXAMEN_MOE',
      role: 'MOE',
      actions: ['DEPOSER_ETAT_ACOMPTE', 'REFUSER_MOE'],
      echeance: d1.pending?.deadlineAt,
      dernierJour: d1.pending?.lastDay,
      effetALEcheance: 'ABSENCE_VALIDATION_MOE',
      autresActeurs: [],
    });
    // Nothing waits for the titulaire yet
    const tit = await call(p, 'GET', '/v1/structures/{siret}/synthese', {
      token: tokens.mandataire,
      params: { siret: s.mandataire },
    });
    expect(tit.body.attentes).toEqual([]);
  });

  it('is readable only by the structure’s members', async () => {
    const p = platform();
    const params = { siret: s.moe };
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/synthese', { token: tokens.mandataire, params }),
      403,
      'UTILISATEUR_NON_RATTACHE',
    );
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/synthese', {
        token: tokens.pending,
        params: { siret: s.mandataire },
      }),
      403,
      'RATTACHEMENT_EN_ATTENTE',
    );
  });
});

describe('GET /v1/structures/{siret}/tableau-de-bord', () => {
  it('counts the structure’s dossiers by status, for its members only', async () => {
    const p = platform();
    for (const [token, siret] of [
      [tokens.mandataire, s.mandataire],
      [tokens.moe, s.moe],
      [tokens.moa, s.moa],
    ] as const) {
      const res = await call(p, 'GET', '/v1/structures/{siret}/tableau-de-bord', { token, params: { siret } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ siret, total: 2, parStatut: { MISE_A_DISPOSITION_MOE: 2 } });
    }
    // The cotraitant is no party to the mandataire's own dossiers
    const cot = await call(p, 'GET', '/v1/structures/{siret}/tableau-de-bord', {
      token: tokens.cotraitant,
      params: { siret: s.cotraitant },
    });
    expect(cot.body).toEqual({ siret: s.cotraitant, total: 0, parStatut: {} });
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/tableau-de-bord', {
        token: tokens.cotraitant,
        params: { siret: s.moe },
      }),
      403,
      'UTILISATEUR_NON_RATTACHE',
    );
  });
});

describe('after the MOE let its delay pass', () => {
  it('moves the wait to the titulaire (saisine directe), the MOE still listed as another actor; counts follow', async () => {
    const p = platform();
    await p.advanceClock({ days: 12 });
    await service.act({
      dossierId: d1.dossier.id,
      actor: 'SYSTEM',
      action: { type: 'DELAI_EXPIRE', step: 'EXAMEN_MOE' },
    });
    await signInAll();
    const tit = await call(p, 'GET', '/v1/structures/{siret}/synthese', {
      token: tokens.mandataire,
      params: { siret: s.mandataire },
    });
    expect(tit.body.attentes).toEqual([
      expect.objectContaining({
        dossierId: d1.dossier.id,
        etape: 'MOE_HORS_DELAI',
        role: 'MANDATAIRE',
        actions: ['SAISIR_MOA_DIRECTEMENT'],
        autresActeurs: [{ siret: s.moe, role: 'MOE', actions: ['DEPOSER_ETAT_ACOMPTE', 'REFUSER_MOE'] }],
      }),
    ]);
    const moe = await call(p, 'GET', '/v1/structures/{siret}/synthese', {
      token: tokens.moe,
      params: { siret: s.moe },
    });
    expect(moe.body.attentes.map((a: { dossierId: string }) => a.dossierId)).toContain(d2.dossier.id);
    // The late MOE may still act on d1: the wait is indexed for it too, with its own actions.
    expect(moe.body.attentes).toContainEqual(
      expect.objectContaining({
        dossierId: d1.dossier.id,
        etape: 'MOE_HORS_DELAI',
        role: 'MOE',
        actions: ['DEPOSER_ETAT_ACOMPTE', 'REFUSER_MOE'],
      }),
    );
    const counts = await call(p, 'GET', '/v1/structures/{siret}/tableau-de-bord', {
      token: tokens.mandataire,
      params: { siret: s.mandataire },
    });
    expect(counts.body).toEqual({
      siret: s.mandataire,
      total: 2,
      parStatut: { MISE_A_DISPOSITION_MOE: 1, ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE: 1 },
    });
  });
});

describe('GET /v1/structures/{siret}/delais', () => {
  it('lists the MOA’s open DGP clocks by échéance, overdue first, with days late and each holder’s days', async () => {
    const p = platform();
    const start1 = d1.clock.start as CalendarDate;
    const start2 = d2.clock.start as CalendarDate;
    // docs/rules/dgp.md#start: day of start is day 0; the échéance is its dgpJours-th day (30 on the demo marché)
    expect(d1.clock.echeance).toBe(addDays(start1, 30));
    expect(d2.clock.echeance).toBe(addDays(start2, 30));
    await p.advanceClock({ days: 20 }); // now start1 + 37: both late
    await signInAll();
    const today = parisDateOf(p.clock.now());
    const res = await call(p, 'GET', '/v1/structures/{siret}/delais', {
      token: tokens.consultation,
      params: { siret: s.moa },
    });
    expect(res.status).toBe(200);
    expect(res.body.aujourdhui).toBe(today);
    expect(res.body.delais.map((d: { dossierId: string }) => d.dossierId)).toEqual([d1.dossier.id, d2.dossier.id]);
    const [a, b] = res.body.delais;
    expect(a).toMatchObject({
      echeance: addDays(start1, 30),
      enRetard: true,
      joursRestants: 0,
      joursDeRetard: daysBetween(addDays(start1, 30), today),
    });
    expect(b.joursDeRetard).toBe(daysBetween(addDays(start2, 30), today));
    expect(a.joursDeRetard - b.joursDeRetard).toBe(daysBetween(start1, start2));
    const used = Object.values(a.joursUtilises as Record<string, number>).reduce((x, y) => x + y, 0);
    expect(used).toBe(daysBetween(start1, today));
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/delais', { token: tokens.mandataire, params: { siret: s.moa } }),
      403,
      'UTILISATEUR_NON_RATTACHE',
    );
  });
});

describe('GET /v1/structures/{siret}/delais: naming and opening each dossier', () => {
  it('names each dossier by its opening piece and marché, and every dossier listed opens for the same user', async () => {
    const p = platform();
    await signInAll();
    const res = await call(p, 'GET', '/v1/structures/{siret}/delais', {
      token: tokens.consultation,
      params: { siret: s.moa },
    });
    expect(res.status).toBe(200);
    expect(res.body.delais.map((d: Record<string, unknown>) => [d.piece, d.marcheId, d.numeroMarche])).toEqual([
      [{ cadre: 'A4', numero: 'PDM-TDB-01' }, DEMO.marcheId, DEMO.numeroMarche],
      [{ cadre: 'A4', numero: 'PDM-TDB-02' }, DEMO.marcheId, DEMO.numeroMarche],
    ]);
    for (const user of ['consultation', 'moa'] as const) {
      for (const d of res.body.delais as { dossierId: string }[]) {
        const opened = await call(p, 'GET', '/v1/dossiers/{dossierId}', {
          token: tokens[user],
          params: { dossierId: d.dossierId },
        });
        expect(opened.status, `${user} ouvre ${d.dossierId}`).toBe(200);
      }
    }
  });

  it('still lists a clock written before it carried the piece and the marché, without them', async () => {
    const p = platform();
    // A clock item as older versions wrote it: no marcheId, no piece
    await p.clients.document.send(
      new UpdateCommand({
        TableName: p.tableName,
        Key: keys.dgpClock(d2.dossier.id),
        UpdateExpression: 'REMOVE marcheId, piece',
      }),
    );
    await signInAll();
    const res = await call(p, 'GET', '/v1/structures/{siret}/delais', { token: tokens.moa, params: { siret: s.moa } });
    expect(res.status).toBe(200);
    const old = res.body.delais.find((d: { dossierId: string }) => d.dossierId === d2.dossier.id);
    expect(old).toBeDefined();
    expect(old).not.toHaveProperty('piece');
    expect(old).not.toHaveProperty('marcheId');
  });

  it('refuses a member subscribed to no space of the structure: the dossiers would not open for them', async () => {
    const p = platform();
    const ctx = contextWith({
      dynamo: p.clients.document,
      tableName: p.tableName,
      clock: p.clock,
      workflow: noWorkflow,
    });
    const now = p.clock.now();
    const member = await newUser(p, 'sans-espace');
    await ctx.identity.memberships.requestAttachment({ userId: member.userId, siret: s.moa, spaces: [] }, now);
    await ctx.identity.memberships.decideAttachment(
      { deciderId: DEMO.users.moa.id, siret: s.moa, userId: member.userId, decision: 'APPROVED' },
      now,
    );
    const token = await login(p, member.login);
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/delais', { token, params: { siret: s.moa } }),
      403,
      'ESPACE_NON_SOUSCRIT',
    );
    const opened = await call(p, 'GET', '/v1/dossiers/{dossierId}', { token, params: { dossierId: d1.dossier.id } });
    expect(opened.status).toBe(403);
  });
});

describe('GET /v1/structures/{siret}/delais: the service financier follows its dossiers too', () => {
  it('lists the same open delays to the dossiers’ service financier as to their MOA, with the same totals', async () => {
    const p = platform();
    await signInAll();
    const sfToken = await login(p, DEMO.users.serviceFinancier.login);
    const [moa, sf] = await Promise.all([
      call(p, 'GET', '/v1/structures/{siret}/delais', { token: tokens.moa, params: { siret: s.moa } }),
      call(p, 'GET', '/v1/structures/{siret}/delais', { token: sfToken, params: { siret: s.serviceFinancier } }),
    ]);
    expect(sf.status).toBe(200);
    const today = parisDateOf(p.clock.now());
    const pick = (d: Record<string, unknown>) => [d.dossierId, d.echeance, d.enRetard, d.joursDeRetard, d.piece];
    // Both dossiers are late (moved 20 days past d1's échéance above): each is listed, d1 first
    expect(sf.body.delais.map(pick)).toEqual([
      [d1.dossier.id, d1.clock.echeance, true, daysBetween(d1.clock.echeance as CalendarDate, today), d1Piece],
      [d2.dossier.id, d2.clock.echeance, true, daysBetween(d2.clock.echeance as CalendarDate, today), d2Piece],
    ]);
    expect(sf.body.delais.map(pick)).toEqual(
      moa.body.delais.map((d: Record<string, unknown>) => pick({ ...d, piece: d.piece ?? d2Piece })),
    );
    expect(sf.body.total).toBe(2);
    // No amount is known on either dossier (A4 without montants): no interest, the 40 € indemnity each,
    // 2 × 40,00 € = 80,00 € due
    expect(sf.body.totaux).toEqual({
      dossiersEnRetard: 2,
      interetsMoratoires: '0.00',
      indemnitesForfaitaires: '80.00',
      du: '80.00',
      dossiersSansInterets: 2,
    });
    expect(sf.body.delais[0]).toMatchObject({ indemniteForfaitaire: '40.00' });
    expect(sf.body.delais[0]).not.toHaveProperty('totalDu');
    // Every dossier listed opens for the service financier
    for (const d of sf.body.delais as { dossierId: string }[]) {
      const opened = await call(p, 'GET', '/v1/dossiers/{dossierId}', {
        token: sfToken,
        params: { dossierId: d.dossierId },
      });
      expect(opened.status).toBe(200);
    }
  });

  it('shows nothing to another service financier, and refuses its list to the first one', async () => {
    const p = platform();
    const other = await newUser(p, 'autre-sf');
    const siret = freshSiret();
    const created = await call(p, 'POST', '/v1/structures', {
      token: other.token,
      body: { siret, raisonSociale: 'Autre comptable public', type: 'PUBLIC', espaces: ['FACTURES_TRAVAUX'] },
    });
    expect(created.status).toBe(201);
    const res = await call(p, 'GET', '/v1/structures/{siret}/delais', { token: other.token, params: { siret } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ delais: [], total: 0, totaux: { dossiersEnRetard: 0, du: '0.00' } });
    const sfToken = await login(p, DEMO.users.serviceFinancier.login);
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/delais', { token: sfToken, params: { siret } }),
      403,
      'UTILISATEUR_NON_RATTACHE',
    );
  });

  it('lists a delay only to a public buyer of the marché: an index entry under its MOE is not shown', async () => {
    const p = platform();
    await signInAll();
    // The MOE is an actor of the demo marché, but neither its MOA nor its service financier
    await copyIndexEntry(p.clients.document, p.tableName, {
      partition: `DGP#${s.serviceFinancier}`,
      into: `DGP#${s.moe}`,
      count: 1,
      prefix: 'ZZ-MOE-DELAI',
    });
    const res = await call(p, 'GET', '/v1/structures/{siret}/delais', { token: tokens.moe, params: { siret: s.moe } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ delais: [], total: 0 });
  });
});

/** Every page of a list, following « suivant » (with `limite` 100), and the `total` each page announced. */
async function allPages(path: string, siret: string, token: string, rows: 'attentes' | 'delais') {
  const pages: { dossierId: string }[][] = [];
  const totals: number[] = [];
  const sums: unknown[] = [];
  let suivant: string | undefined;
  do {
    const res = await call(platform(), 'GET', path, {
      token,
      params: { siret },
      query: { limite: 100, ...(suivant ? { suivant } : {}) },
    });
    expect(res.status).toBe(200);
    pages.push(res.body[rows]);
    totals.push(res.body.total);
    sums.push(res.body.totaux);
    suivant = res.body.suivant;
  } while (suivant && pages.length < 10);
  return { pages, totals, sums };
}

describe('lists never stop silently (Synthèse and délais of a busy structure)', () => {
  it('pages through 302 waits of the MOE, 100 at a time, each once, soonest deadline first', async () => {
    const p = platform();
    const before = await allPages('/v1/structures/{siret}/synthese', s.moe, tokens.moe ?? '', 'attentes');
    const [soonest, later] = (before.pages[0] ?? []).map((a) => a.dossierId);
    const copies = await copyIndexEntry(p.clients.document, p.tableName, {
      partition: `PENDING#${s.moe}`,
      count: 300,
      prefix: 'ZZ-ATTENTE',
    });
    const { pages, totals } = await allPages('/v1/structures/{siret}/synthese', s.moe, tokens.moe ?? '', 'attentes');
    // 2 real waits + 300 copies = 302 = 100 + 100 + 100 + 2; the last page has no « suivant »
    expect(pages.map((page) => page.length)).toEqual([100, 100, 100, 2]);
    expect(totals).toEqual([302, 302, 302, 302]);
    const ids = pages.flat().map((a) => a.dossierId);
    expect(new Set(ids).size).toBe(302);
    // the copies share the soonest wait's deadline and sort after it by id (ULIDs "01…" < "ZZ-…"); then the later one
    expect(ids).toEqual([soonest, ...copies, later]);
  });

  it('pages through 302 open délais of the MOA with a total', async () => {
    const p = platform();
    const before = await allPages('/v1/structures/{siret}/delais', s.moa, tokens.consultation ?? '', 'delais');
    const [soonest, later] = (before.pages[0] ?? []).map((d) => d.dossierId);
    const copies = await copyIndexEntry(p.clients.document, p.tableName, {
      partition: `DGP#${s.moa}`,
      count: 300,
      prefix: 'ZZ-DELAI',
    });
    const { pages, totals, sums } = await allPages(
      '/v1/structures/{siret}/delais',
      s.moa,
      tokens.consultation ?? '',
      'delais',
    );
    expect(pages.map((page) => page.length)).toEqual([100, 100, 100, 2]);
    expect(totals).toEqual([302, 302, 302, 302]);
    // The totals are those of every délai, on every page: the two real ones are late (20 days past, above) and the
    // 300 copies share the soonest one's clock, so 302 are late; indemnity 40 € each = 302 × 40 = 12 080,00 €
    expect(sums[0]).toMatchObject({ dossiersEnRetard: 302, indemnitesForfaitaires: '12080.00' });
    expect(new Set(sums.map((x) => JSON.stringify(x))).size).toBe(1);
    expect(pages.flat().map((d) => d.dossierId)).toEqual([soonest, ...copies, later]);
  });

  it('refuses a forged cursor, or one taken from another structure’s list, with a 422 CURSEUR_INVALIDE', async () => {
    const p = platform();
    const forged = Buffer.from(JSON.stringify({ gsi1pk: `PENDING#${s.moe}` })).toString('base64url');
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/synthese', {
        token: tokens.moe,
        params: { siret: s.moe },
        query: { suivant: forged },
      }),
      422,
      'CURSEUR_INVALIDE',
    );
    const page = await call(p, 'GET', '/v1/structures/{siret}/synthese', {
      token: tokens.moe,
      params: { siret: s.moe },
      query: { limite: 1 },
    });
    expect(page.body.suivant).toEqual(expect.any(String));
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/delais', {
        token: tokens.consultation,
        params: { siret: s.moa },
        query: { suivant: page.body.suivant },
      }),
      422,
      'CURSEUR_INVALIDE',
    );
  });
});

describe('documentation', () => {
  it('answered every operation of this file with a documented success whose body matched its schema', () => {
    const expected = ['lireSynthese 200', 'lireTableauDeBord 200', 'lireDelais 200'];
    expect(expected.filter((e) => !exercised.has(e))).toEqual([]);
  });
});
