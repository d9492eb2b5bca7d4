import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../shared/adapters/ids';
import type { WorkflowPort } from '../../../../shared/adapters/workflow';
import { parisDateOf } from '../../../../shared/domain/calendar';
import { DEMO } from '../../../../shared/seed/demo';
import { contextWith } from '../../../../shared/services/context';
import type { ActResult } from '../../../../shared/services/decisions';
import type { DossierService } from '../../../../shared/services/dossier-service';
import { copyIndexEntry } from '../../../fixtures/index-copies';
import { usePlatform } from '../../../setup/platform';
import { call, expectProblem, login, seed } from './http';

/** The portal's reads: Synthèse rows joined with their dossier, and the structure's fil d'événements. */

const platform = usePlatform();
const s = DEMO.sirets;
const noWorkflow: WorkflowPort = { start: async () => 'started', release: async () => true };
const tokens: Record<string, string> = {};
let service: DossierService;
let d1: ActResult;
let d2: ActResult;

async function deposePdm(numero: string, ttcCents: number): Promise<ActResult> {
  const now = platform().clock.now();
  return service.act({
    marcheId: DEMO.marcheId,
    actor: { siret: s.mandataire, roles: ['MANDATAIRE'] },
    action: {
      type: 'DEPOSER',
      dossierId: newId(now),
      piece: {
        id: newId(now),
        numero,
        cadre: 'A4',
        montants: { htCents: ttcCents - ttcCents / 6, tvaCents: ttcCents / 6, ttcCents },
      },
    },
    userId: DEMO.users.mandataire.id,
  });
}

/** Whole days from one calendar date to another (UTC midnight to UTC midnight). */
function days(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

beforeAll(async () => {
  const p = platform();
  await seed(p);
  service = contextWith({
    dynamo: p.clients.document,
    tableName: p.tableName,
    clock: p.clock,
    workflow: noWorkflow,
  }).dossiers;
  // 1 188,00 € TTC = 990,00 € HT + 198,00 € TVA (20 %): 118800 / 6 = 19800 cents of TVA
  d1 = await deposePdm('PDM-PORTAIL-01', 118_800);
  await p.advanceClock({ days: 3 });
  d2 = await deposePdm('PDM-PORTAIL-02', 60_000);
  for (const key of ['moe', 'mandataire', 'consultation'] as const) {
    tokens[key] = await login(p, DEMO.users[key].login);
  }
});

describe('GET /v1/structures/{siret}/a-traiter', () => {
  it('gives the MOE each wait with its dossier: numéro, cadre, déposant, état, montant, deadline and days left', async () => {
    const p = platform();
    const res = await call(p, 'GET', '/v1/structures/{siret}/a-traiter', {
      token: tokens.moe,
      params: { siret: s.moe },
    });
    expect(res.status).toBe(200);
    const today = parisDateOf(p.clock.now());
    expect(res.body.aujourdhui).toBe(today);
    const lignes = res.body.lignes as Record<string, unknown>[];
    expect(lignes.map((l) => l.dossierId)).toEqual([d1.dossier.id, d2.dossier.id]);
    const first = lignes[0] as Record<string, never>;
    const lastDay = d1.pending?.lastDay as string;
    expect(first).toMatchObject({
      etat: 'EXAMEN_MOE',
      libelleEtat: expect.any(String),
      piece: { cadre: 'A4', numero: 'PDM-PORTAIL-01' },
      deposant: { siret: s.mandataire, raisonSociale: 'Bâtiment Démo SAS' },
      montantTtc: '1188.00',
      role: 'MOE',
      dernierJour: lastDay,
      // days left = from today's Paris date to the last day of the rule book's deadline
      joursRestants: days(today, lastDay),
      enRetard: false,
      aDefautDeReponse: { effet: 'ABSENCE_VALIDATION_MOE', description: expect.any(String) },
    });
    expect(first.etatDepuis).toBe(d1.dossier.wait.since);
    // the second dossier's deadline, counted from 3 days later (and carried to a working day by the rule book)
    const lastDay2 = d2.pending?.lastDay as string;
    expect(lignes[1]).toMatchObject({
      dernierJour: lastDay2,
      joursRestants: days(today, lastDay2),
      montantTtc: '600.00',
    });
  });

  it('is empty for a structure nothing waits for, and refused to a non-member', async () => {
    const p = platform();
    const mine = await call(p, 'GET', '/v1/structures/{siret}/a-traiter', {
      token: tokens.mandataire,
      params: { siret: s.mandataire },
    });
    expect(mine.status).toBe(200);
    expect(mine.body.lignes).toEqual([]);
    const other = await call(p, 'GET', '/v1/structures/{siret}/a-traiter', {
      token: tokens.mandataire,
      params: { siret: s.moe },
    });
    expect(other.status).toBe(403);
  });

  it('refuses a limit out of bounds with a French problem', async () => {
    const res = await call(platform(), 'GET', '/v1/structures/{siret}/a-traiter', {
      token: tokens.moe,
      params: { siret: s.moe },
      query: { limite: 1000 },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('GET /v1/structures/{siret}/a-traiter, page after page', () => {
  it('announces the total and hands a cursor until the last row (152 waits, 100 per page)', async () => {
    const p = platform();
    const copies = await copyIndexEntry(p.clients.document, p.tableName, {
      partition: `PENDING#${s.moe}`,
      count: 150,
      prefix: 'ZZ-LIGNE',
    });
    const first = await call(p, 'GET', '/v1/structures/{siret}/a-traiter', {
      token: tokens.moe,
      params: { siret: s.moe },
      query: { limite: 100 },
    });
    // 2 real waits + 150 copies = 152 = 100 + 52
    expect(first.status).toBe(200);
    expect({ rows: first.body.lignes.length, total: first.body.total }).toEqual({ rows: 100, total: 152 });
    const second = await call(p, 'GET', '/v1/structures/{siret}/a-traiter', {
      token: tokens.moe,
      params: { siret: s.moe },
      query: { limite: 100, suivant: first.body.suivant },
    });
    expect(second.status).toBe(200);
    expect({ rows: second.body.lignes.length, total: second.body.total, suivant: second.body.suivant }).toEqual({
      rows: 52,
      total: 152,
      suivant: undefined,
    });
    const ids = [...first.body.lignes, ...second.body.lignes].map((l: { dossierId: string }) => l.dossierId);
    expect(ids).toEqual([d1.dossier.id, ...copies, d2.dossier.id]);
    // a copy has no dossier behind it: its row says so (null) rather than failing the page
    expect(second.body.lignes[0]).toMatchObject({ piece: null, montantTtc: null });
  });
});

describe('GET /v1/structures/{siret}/evenements', () => {
  it('lists the structure’s recent events, newest first, with French labels and the piece number', async () => {
    const res = await call(platform(), 'GET', '/v1/structures/{siret}/evenements', {
      token: tokens.mandataire,
      params: { siret: s.mandataire },
    });
    expect(res.status).toBe(200);
    const evenements = res.body.evenements as {
      dossierId: string;
      le: string;
      type: string;
      libelle: string;
      numero: string;
    }[];
    const deposits = evenements.filter((e) => e.type === 'PIECE_DEPOSEE');
    expect(deposits.map((e) => [e.dossierId, e.numero, e.libelle])).toEqual([
      [d2.dossier.id, 'PDM-PORTAIL-02', 'Pièce déposée'],
      [d1.dossier.id, 'PDM-PORTAIL-01', 'Pièce déposée'],
    ]);
    const times = evenements.map((e) => e.le);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('is readable by a read-only member of the MOA, refused to others', async () => {
    const p = platform();
    const moa = await call(p, 'GET', '/v1/structures/{siret}/evenements', {
      token: tokens.consultation,
      params: { siret: s.moa },
    });
    expect(moa.status).toBe(200);
    expectProblem(
      await call(p, 'GET', '/v1/structures/{siret}/evenements', {
        token: tokens.consultation,
        params: { siret: s.moe },
      }),
      403,
      (
        await call(p, 'GET', '/v1/structures/{siret}/synthese', {
          token: tokens.consultation,
          params: { siret: s.moe },
        })
      ).body.code,
    );
  });
});
