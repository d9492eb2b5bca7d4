import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IndexMaintenance } from '../../../../shared/adapters/dynamo/index-maintenance';
import { DEMO } from '../../../../shared/seed/demo';
import { useWorld } from './world';

/**
 * Optimistic locking and idempotency over HTTP: many conflicting actions on one dossier with the same If-Match make
 * exactly one change; a replayed request (same Idempotency-Key) answers the first response and changes nothing.
 */
const world = useWorld();
const M = { ht: '4000.00', tva: '800.00', ttc: '4800.00' };
const N = 50;

/** A titulaire's monthly dossier taken to the service financier. */
async function atServiceFinancier(numero: string): Promise<{ id: string; version: number }> {
  const w = world();
  const opened = await w.open(w.as.mandataire, { cadre: 'A4', numero: `PDM-${numero}`, montants: M });
  let r = await w.follow(w.as.moe, opened.dossierId, opened.version, {
    type: 'DEPOSER_ETAT_ACOMPTE',
    cadre: 'A15',
    numero: `EA-${numero}`,
    montants: M,
  });
  r = await w.follow(w.as.moa, opened.dossierId, r.version, {
    type: 'VALIDER_ETAT_ACOMPTE',
    cadre: 'A19',
    numero: `EAV-${numero}`,
    montants: M,
  });
  expect(r.body.etat).toBe('TRAITEMENT_SERVICE_FINANCIER');
  return { id: opened.dossierId, version: r.version };
}

async function trailOf(id: string) {
  const w = world();
  const res = await w.as.moa.get(`/v1/dossiers/${id}/historique`);
  return res.body as { evenements: { type: string }[]; verification: { integre: boolean } };
}

const count = (events: { type: string }[], type: string) => events.filter((e) => e.type === type).length;

describe('50 conflicting actions with the same If-Match', () => {
  it(`lets exactly one SERVICE_FAIT through out of ${N}`, async () => {
    const w = world();
    const d = await atServiceFinancier('CONC-SF');
    const before = await trailOf(d.id);
    const responses = await Promise.all(
      Array.from({ length: N }, () =>
        w.as.serviceFinancier.post(`/v1/dossiers/${d.id}/actions`, { type: 'SERVICE_FAIT' }, { ifMatch: d.version }),
      ),
    );
    await w.platform.settle();
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    const losers = responses.filter((r) => r.status !== 200);
    for (const r of losers) {
      expect([409, 412], JSON.stringify(r.body)).toContain(r.status);
      expect(['VERSION_PERIMEE', 'MODIFICATION_CONCURRENTE', 'ACTION_NON_AUTORISEE_DANS_CET_ETAT']).toContain(
        r.body.code,
      );
    }
    const after = await w.as.serviceFinancier.get(`/v1/dossiers/${d.id}`);
    expect(after.version).toBe(d.version + 1);
    expect(after.body.statut).toBe('SERVICE_FAIT');
    const trail = await trailOf(d.id);
    expect(trail.verification.integre).toBe(true);
    expect(count(trail.evenements, 'SERVICE_FAIT') - count(before.evenements, 'SERVICE_FAIT')).toBe(1);
  });

  it(`lets exactly one of ${N} mixed VALIDER / REFUSER decide a sous-traitant’s piece`, async () => {
    const w = world();
    const opened = await w.open(w.as.sousTraitant, { cadre: 'A9', numero: 'ST-CONC-1', montants: M });
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        w.as.mandataire.post(
          `/v1/dossiers/${opened.dossierId}/actions`,
          i % 2 === 0 ? { type: 'VALIDER' } : { type: 'REFUSER', motifs: 'Travaux non réalisés' },
          { ifMatch: opened.version },
        ),
      ),
    );
    await w.platform.settle();
    const winners = responses.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const r of responses.filter((x) => x.status !== 200)) expect([409, 412]).toContain(r.status);
    const after = await w.as.mandataire.get(`/v1/dossiers/${opened.dossierId}`);
    expect(after.version).toBe(opened.version + 1);
    // The dossier shows the winner's decision, and the trail holds exactly one decision
    const decided = winners[0]!.body.statut as string;
    expect(after.body.statut).toBe(decided);
    const trail = await trailOf(opened.dossierId);
    expect(trail.verification.integre).toBe(true);
    expect(count(trail.evenements, 'PIECE_VALIDEE') + count(trail.evenements, 'PIECE_REFUSEE')).toBe(1);
  });
});

describe('decisions on several dossiers of one structure at once', () => {
  it('all land, and the structures’ counters (Tableau de bord, Synthèse) equal a full recount', async () => {
    const w = world();
    const opened = [];
    for (const n of [1, 2, 3, 4]) {
      opened.push(await w.open(w.as.sousTraitant, { cadre: 'A9', numero: `ST-COMPTEURS-${n}`, montants: M }));
    }
    const board = async () =>
      (await w.as.mandataire.get(`/v1/structures/${DEMO.sirets.mandataire}/tableau-de-bord`)).body;
    const before = await board();
    // The mandataire's structure validates the four pieces at the same moment: four transactions on its counters
    const responses = await Promise.all(
      opened.map((o) =>
        w.as.mandataire.post(`/v1/dossiers/${o.dossierId}/actions`, { type: 'VALIDER' }, { ifMatch: o.version }),
      ),
    );
    await w.platform.settle();
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const after = await board();
    const from = opened[0]?.body.statut as string;
    const to = responses[0]?.body.statut as string;
    // 4 dossiers moved from `from` to `to`: −4 and +4, the total unchanged
    expect(after.total).toBe(before.total);
    expect(after.parStatut[to]).toBe((before.parStatut[to] ?? 0) + 4);
    expect(after.parStatut[from] ?? 0).toBe(before.parStatut[from] - 4);
    const recount = await new IndexMaintenance(w.platform.clients.document, w.platform.tableName).verify();
    expect(recount.drifts).toEqual([]);
  });
});

describe('idempotent replay', () => {
  it('answers the first response to the same Idempotency-Key and applies the action once', async () => {
    const w = world();
    const d = await atServiceFinancier('IDEM-1');
    const key = `cle-${randomUUID()}`;
    const path = `/v1/dossiers/${d.id}/actions`;
    const first = await w.as.serviceFinancier.post(
      path,
      { type: 'SERVICE_FAIT' },
      { ifMatch: d.version, idempotencyKey: key },
    );
    expect(first.status).toBe(200);
    await w.platform.settle();
    const replay = await w.as.serviceFinancier.post(
      path,
      { type: 'SERVICE_FAIT' },
      { ifMatch: d.version, idempotencyKey: key },
    );
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(replay.version).toBe(first.version);

    // The same key for another request is refused
    const other = await w.as.serviceFinancier.post(
      path,
      { type: 'MANDATER' },
      { ifMatch: d.version, idempotencyKey: key },
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUTILISEE');

    const after = await w.as.serviceFinancier.get(`/v1/dossiers/${d.id}`);
    expect(after.version).toBe(d.version + 1);
    const trail = await trailOf(d.id);
    expect(count(trail.evenements, 'SERVICE_FAIT')).toBe(1);
  });

  it('applies a burst of the same request (same key) once', async () => {
    const w = world();
    const d = await atServiceFinancier('IDEM-2');
    const key = `rafale-${randomUUID()}`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        w.as.serviceFinancier.post(
          `/v1/dossiers/${d.id}/actions`,
          { type: 'SERVICE_FAIT' },
          { ifMatch: d.version, idempotencyKey: key },
        ),
      ),
    );
    await w.platform.settle();
    for (const r of responses) {
      if (r.status === 200) expect(r.version).toBe(d.version + 1);
      else expect(r.body.code).toBe('REQUETE_EN_COURS');
    }
    expect(responses.some((r) => r.status === 200)).toBe(true);
    const trail = await trailOf(d.id);
    expect(count(trail.evenements, 'SERVICE_FAIT')).toBe(1);
    expect(trail.verification.integre).toBe(true);
  });

  it('sends a piece once when « Valider et envoyer » is replayed', async () => {
    const w = world();
    const d = await w.draft(w.as.mandataire, `/v1/marches/${'01JZ0DEM0MARCHE00000000001'}/pieces`, {
      cadre: 'A4',
      numero: 'PDM-IDEM-3',
      montants: M,
    });
    const key = `envoi-${randomUUID()}`;
    const path = `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`;
    const first = await w.as.mandataire.post(path, {}, { idempotencyKey: key });
    expect(first.status).toBe(201);
    await w.platform.settle();
    const replay = await w.as.mandataire.post(path, {}, { idempotencyKey: key });
    expect(replay.status).toBe(201);
    expect(replay.body.certificat).toBe(first.body.certificat);
    // Without the key, sending again is refused: the piece is sent
    const again = await w.as.mandataire.post(path, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PIECE_DEJA_ENVOYEE');
  });
});
