import { describe, expect, it } from 'vitest';
import type { PendingAction, TransitionResult } from '../../../../shared/domain/circuits';
import {
  deliveryOf,
  digestSendAt,
  lastDigestDayDue,
  type MemberFacts,
  notificationId,
  notificationsOfTransition,
  type PreviousWait,
  recipientsOf,
  reminderOf,
  technicalPasswordDue,
  titleFor,
  updatePreferences,
} from '../../../../shared/domain/notifications';
import { A, d, marcheSolo, montants, paris, Scenario, SIRET } from '../circuits/fixtures';

/** The previous wait as the store keeps it (what the service passes). */
const prev = (r: TransitionResult | undefined): PreviousWait | null =>
  r?.pending
    ? {
        step: r.pending.step,
        actorSiret: r.pending.actorSiret,
        otherActors: r.pending.otherActors,
        onTimeout: r.pending.onTimeout,
      }
    : null;

function step(s: Scenario, run: () => TransitionResult) {
  const before = prev(s.last);
  const r = run();
  return notificationsOfTransition({
    dossier: r.dossier,
    version: r.dossier.version,
    events: r.events,
    pending: r.pending,
    previous: before,
  });
}

function pdm(s = new Scenario(marcheSolo)) {
  const n = step(s, () =>
    s.act(
      A.titulaire,
      {
        type: 'DEPOSER',
        dossierId: 'D1',
        piece: { id: 'pdm', numero: 'PDM-04', cadre: 'A4', montants: montants(10_000_000) },
      },
      paris('2025-04-11'),
    ),
  );
  return { s, n };
}

const member = (userId: string, siret: string, extra: Partial<MemberFacts> = {}): MemberFacts => ({
  userId,
  siret,
  status: 'APPROVED',
  role: 'UTILISATEUR',
  spaces: [{ space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' }],
  active: true,
  contactAddress: `${userId}@test.fr`,
  ...extra,
});

describe('what notifies whom on a dossier (issue 13)', () => {
  it('asks the MOE to act when the PDM is made available, with its deadline and what silence does', () => {
    const { n } = pdm();
    expect(n).toHaveLength(1);
    expect(n[0]).toMatchObject({
      kind: 'ACTION_ATTENDUE',
      source: 'DOSSIER#D1@v1',
      dossierId: 'D1',
      numero: 'PDM-04',
      link: '/dossiers/D1',
      audience: [{ siret: SIRET.moe, act: true, space: 'FACTURES_TRAVAUX' }],
      // CCAG-T 2014 art. 13.2.2: deposit Friday 11 April 2025 + 7 days = Friday 18 April
      action: { lastDay: '2025-04-18', deadlineAt: '2025-04-18T22:00:00.000Z' },
    });
    expect(n[0]?.action?.label).toBe("déposer l'état d'acompte (A15) ou refuser la pièce (maître d’œuvre)");
    expect(n[0]?.lines.join('\n')).toContain('au plus tard le 18/04/2025');
    expect(n[0]?.action?.onSilence).toMatch(/maître d'ouvrage/);
  });

  it('tells the users of the structures concerned who have the espace; only MODIFICATION is asked to act', () => {
    const { n } = pdm();
    const members = [
      member('moe-actif', SIRET.moe),
      member('moe-lecteur', SIRET.moe, { spaces: [{ space: 'FACTURES_TRAVAUX', mode: 'CONSULTATION' }] }),
      member('moe-sans-espace', SIRET.moe, { spaces: [{ space: 'FACTURES_A_VALIDER', mode: 'MODIFICATION' }] }),
      member('moe-en-attente', SIRET.moe, { status: 'PENDING' }),
      member('moe-inactif', SIRET.moe, { active: false }),
      member('autre', SIRET.moa),
    ];
    expect(recipientsOf(n[0]!, members)).toEqual([
      { userId: 'moe-actif', contactAddress: 'moe-actif@test.fr', mustAct: true, siret: SIRET.moe },
      { userId: 'moe-lecteur', contactAddress: 'moe-lecteur@test.fr', mustAct: false, siret: SIRET.moe },
    ]);
    // The reader is told, not asked: its title (the e-mail's subject) does not say « Action attendue »
    expect(n[0]!.title).toMatch(/^Action attendue — dossier /);
    const label = n[0]!.title.slice('Action attendue — '.length);
    expect(titleFor(n[0]!, true)).toBe(`Action attendue — ${label}`);
    expect(titleFor(n[0]!, false)).toBe(`Pour information — ${label}`);
    // Other kinds keep their title for everyone
    expect(titleFor({ kind: 'MISE_EN_PAIEMENT', title: 'Mise en paiement — dossier X' }, false)).toBe(
      'Mise en paiement — dossier X',
    );
  });

  it('asks the MOA to act on the état d’acompte, and nobody else; the MOE is not told again', () => {
    const { s } = pdm();
    const n = step(s, () =>
      s.act(
        A.moe,
        { type: 'DEPOSER_ETAT_ACOMPTE', piece: { id: 'ea', numero: 'EA-04', montants: montants(9_500_000) } },
        paris('2025-04-16'),
      ),
    );
    expect(n.map((x) => [x.kind, x.audience.map((a) => a.siret)])).toEqual([['ACTION_ATTENDUE', [SIRET.moa]]]);
    // No legal delay for the MOA: the DGP échéance, 11 April + 30 days = 11 May 2025
    expect(n[0]?.action?.lastDay).toBe('2025-05-11');
  });

  it('gives a suspended company one notification with the missing documents and the action expected', () => {
    const { s } = pdm();
    s.act(
      A.moe,
      { type: 'DEPOSER_ETAT_ACOMPTE', piece: { id: 'ea', numero: 'EA-04', montants: montants(9_500_000) } },
      paris('2025-04-16'),
    );
    s.act(
      A.moa,
      { type: 'VALIDER_ETAT_ACOMPTE', piece: { id: 'eav', numero: 'EAV-04', montants: montants(9_500_000) } },
      paris('2025-04-23'),
    );
    const n = step(s, () =>
      s.act(A.sf, { type: 'SUSPENDRE', documentsManquants: ['Attestation URSSAF', 'RIB'] }, paris('2025-04-25')),
    );
    expect(n.map((x) => x.kind)).toEqual(['PIECE_SUSPENDUE']);
    // The A19 is the MOA's piece: its depositor is told too, not asked to act
    expect(n[0]?.audience).toEqual([
      { siret: SIRET.moa, act: false, space: 'FACTURES_TRAVAUX' },
      { siret: SIRET.titulaire, act: true, space: 'FACTURES_TRAVAUX' },
    ]);
    expect(n[0]?.lines).toContain('Documents manquants : Attestation URSSAF ; RIB.');
    expect(n[0]?.action?.label).toContain('compléter la pièce suspendue');
  });

  it('tells the company of the mise en paiement with the amount', () => {
    const { s } = pdm();
    s.act(
      A.moe,
      { type: 'DEPOSER_ETAT_ACOMPTE', piece: { id: 'ea', numero: 'EA-04', montants: montants(9_500_000) } },
      paris('2025-04-16'),
    );
    s.act(
      A.moa,
      { type: 'VALIDER_ETAT_ACOMPTE', piece: { id: 'eav', numero: 'EAV-04', montants: montants(9_500_000) } },
      paris('2025-04-23'),
    );
    const n = step(s, () => s.act(A.sf, { type: 'METTRE_EN_PAIEMENT' }, paris('2025-05-06')));
    expect(n.map((x) => x.kind)).toEqual(['MISE_EN_PAIEMENT']);
    expect(n[0]?.audience.map((a) => a.siret)).toEqual([SIRET.moa, SIRET.titulaire]);
    // 95 000,00 € HT + 20 % TVA (19 000,00 €) = 114 000,00 € TTC
    expect(n[0]?.lines[0]).toBe('La pièce a été mise en paiement (114\u202f000,00\u00a0€ TTC).');
  });

  it('tells the MOA, the service financier and the company when the DGP passes, with the interest accruing', () => {
    const { s } = pdm();
    s.act(
      A.moe,
      { type: 'DEPOSER_ETAT_ACOMPTE', piece: { id: 'ea', numero: 'EA-04', montants: montants(9_500_000) } },
      paris('2025-04-16'),
    );
    const before = prev(s.last);
    const r = s.expire();
    const n = notificationsOfTransition({
      dossier: r.dossier,
      version: r.dossier.version,
      events: r.events,
      pending: r.pending,
      previous: before,
      dgp: { echeance: '2025-05-11', daysLate: 1, interestCents: 1234, indemnityCents: 4000 },
    });
    expect(n.map((x) => x.kind)).toEqual(['DGP_DEPASSE']);
    expect(n[0]?.audience.map((a) => a.siret)).toEqual([SIRET.moa, SIRET.sf, SIRET.titulaire]);
    expect(n[0]?.lines).toContain("Intérêts moratoires à ce jour : 12,34\u00a0€, qui courent jusqu'au paiement.");
  });

  it('tells the sous-traitant of its tacit acceptance and asks the MOE to act (CCP R2193-13)', () => {
    const s = new Scenario(marcheSolo);
    const n1 = step(s, () =>
      s.act(
        A.stTitulaire,
        {
          type: 'DEPOSER',
          dossierId: 'ST1',
          piece: { id: 'a10', numero: 'ST-1', cadre: 'A10', montants: montants(500_000) },
        },
        paris('2025-04-05'),
      ),
    );
    expect(n1[0]).toMatchObject({
      kind: 'ACTION_ATTENDUE',
      audience: [{ siret: SIRET.titulaire, space: 'FACTURES_A_VALIDER' }],
    });
    const before = prev(s.last);
    const r = s.expire();
    const n2 = notificationsOfTransition({
      dossier: r.dossier,
      version: r.dossier.version,
      events: r.events,
      pending: r.pending,
      previous: before,
    });
    expect(n2.map((x) => [x.kind, x.audience.map((a) => a.siret)])).toEqual([
      ['ISSUE_TACITE', [SIRET.stTitulaire, SIRET.titulaire]],
      ['ACTION_ATTENDUE', [SIRET.moe]],
    ]);
    expect(n2[0]?.lines.join(' ')).toMatch(/silence/i);
  });

  it('reminds every structure that may act, once per wait, with what silence does', () => {
    const { s } = pdm();
    const p = s.last?.pending as PendingAction;
    const r = reminderOf(s.dossier!, p, p.reminderAt!);
    expect(r).toMatchObject({
      kind: 'RAPPEL_ECHEANCE',
      source: 'DOSSIER#D1@v1#RAPPEL',
      // 3 days before the last day (18 April): the start of 15 April, Paris
      at: '2025-04-14T22:00:00.000Z',
      title: 'Rappel : échéance le 18/04/2025 — dossier D1 (pièce n° PDM-04)',
      audience: [{ siret: SIRET.moe, act: true }],
    });
  });

  it('makes one stable id per cause, kind and user', () => {
    const a = notificationId({ source: 'DOSSIER#D1@v1', kind: 'ACTION_ATTENDUE' }, 'u1');
    expect(a).toBe(notificationId({ source: 'DOSSIER#D1@v1', kind: 'ACTION_ATTENDUE' }, 'u1'));
    expect(a).not.toBe(notificationId({ source: 'DOSSIER#D1@v1', kind: 'ACTION_ATTENDUE' }, 'u2'));
    expect(a).not.toBe(notificationId({ source: 'DOSSIER#D1@v2', kind: 'ACTION_ATTENDUE' }, 'u1'));
    expect(a).toMatch(/^[\w-]{22}$/);
  });
});

describe('how a user receives notifications (issue 13, Mon compte)', () => {
  it('never turns off the action or its reminder for a user who must act', () => {
    const prefs = updatePreferences(undefined, { ACTION_ATTENDUE: 'AUCUN', MISE_EN_PAIEMENT: 'QUOTIDIEN' });
    expect(deliveryOf(prefs, 'ACTION_ATTENDUE', true)).toBe('IMMEDIAT');
    expect(deliveryOf(prefs, 'ACTION_ATTENDUE', false)).toBe('AUCUN');
    expect(deliveryOf(prefs, 'MISE_EN_PAIEMENT', false)).toBe('QUOTIDIEN');
    expect(deliveryOf(prefs, 'PIECE_REJETEE', false)).toBe('IMMEDIAT');
  });

  it('refuses an unknown kind or mode, naming it', () => {
    expect(() => updatePreferences(undefined, { FOO: 'IMMEDIAT', MANDATEE: 'PARFOIS' })).toThrowError(
      expect.objectContaining({
        code: 'PREFERENCES_INVALIDES',
        fields: [expect.objectContaining({ path: 'FOO' }), expect.objectContaining({ path: 'MANDATEE' })],
      }),
    );
  });

  it('sends the digest of a day the next morning at 7, Paris time, across daylight saving changes', () => {
    // Winter (UTC+1): 7 a.m. Paris on 11 January 2025 is 06:00 UTC
    expect(digestSendAt(d('2025-01-10')).toISOString()).toBe('2025-01-11T06:00:00.000Z');
    // Summer time starts on Sunday 30 March 2025 at 2 a.m.: 7 a.m. Paris that day is 05:00 UTC (UTC+2)
    expect(digestSendAt(d('2025-03-29')).toISOString()).toBe('2025-03-30T05:00:00.000Z');
    // Winter time starts on Sunday 26 October 2025 at 3 a.m.: 7 a.m. Paris that day is 06:00 UTC (UTC+1)
    expect(digestSendAt(d('2025-10-25')).toISOString()).toBe('2025-10-26T06:00:00.000Z');
    // At 6:59 Paris on 11 January the 10th's digest is not due yet; at 7:00 it is
    expect(lastDigestDayDue(paris('2025-01-11', '06:59'))).toBe('2025-01-09');
    expect(lastDigestDayDue(paris('2025-01-11', '07:00'))).toBe('2025-01-10');
  });
});

describe('management notifications', () => {
  it('tells the GP 30 days before the technical password expires (424 days after its change)', () => {
    const changedAt = paris('2024-01-10');
    // 10 January 2024 + 424 days: + 366 (2024 is a leap year) = 10 January 2025, + 58 = 9 March 2025; 30 days
    // before is 7 February 2025
    expect(
      technicalPasswordDue({ siret: SIRET.moa, passwordChangedAt: changedAt, now: paris('2025-02-06') }),
    ).toBeNull();
    const n = technicalPasswordDue({ siret: SIRET.moa, passwordChangedAt: changedAt, now: paris('2025-02-07') });
    expect(n).toMatchObject({
      kind: 'MOT_DE_PASSE_TECHNIQUE',
      action: { lastDay: '2025-03-09' },
      audience: [{ siret: SIRET.moa, principalOnly: true }],
    });
    const gp = member('gp', SIRET.moa, { role: 'GESTIONNAIRE_PRINCIPAL' });
    const gs = member('gs', SIRET.moa, { role: 'GESTIONNAIRE_SECONDAIRE' });
    expect(recipientsOf(n!, [gp, gs]).map((r) => r.userId)).toEqual(['gp']);
  });
});
