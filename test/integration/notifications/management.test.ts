import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../shared/adapters/clock';
import type { IdentityStore } from '../../../shared/adapters/dynamo/identity-store';
import { InboxStore } from '../../../shared/adapters/dynamo/notifications/inbox-store';
import { OutboxStore } from '../../../shared/adapters/dynamo/notifications/outbox-store';
import type { MailJob, MailQueue } from '../../../shared/adapters/mail';
import { IdentityService } from '../../../shared/services/identity-service';
import { NotificationDispatcher } from '../../../shared/services/notifications/dispatcher';
import { ReminderService } from '../../../shared/services/notifications/reminders';
import { type LocalDynamo, startLocalDynamo } from '../stores/local-table';

/**
 * Notifications of the structures' management (issue 13) on DynamoDB Local, with the real identity service, outbox,
 * reminders and dispatcher: a rattachement request goes to the GP and the GS of the structure and to nobody else,
 * its decision to the requester; the technical account's password is announced to the GP at 0 h Paris 30 days
 * before its last valid day, once, on the test clock.
 */
const COMMUNE = '21300202500012';
const T0 = new Date('2025-01-06T09:00:00.000Z');
const PASSWORD = 'Tr0mpette-Bleue!';

class TestClock implements Clock {
  constructor(public at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
}
class ArrayQueue implements MailQueue {
  readonly jobs: MailJob[] = [];
  async enqueue(jobs: readonly MailJob[]) {
    this.jobs.push(...jobs);
  }
}

let dynamo: LocalDynamo;
let identity: IdentityStore;
let svc: IdentityService;
let outbox: OutboxStore;
let inbox: InboxStore;
let clock: TestClock;
let dispatcher: NotificationDispatcher;
let reminders: ReminderService;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(async () => {
  const fresh = await dynamo.freshTable();
  identity = fresh.identity;
  outbox = new OutboxStore(dynamo.doc, fresh.table);
  inbox = new InboxStore(dynamo.doc, fresh.table);
  svc = new IdentityService(identity, outbox);
  clock = new TestClock(T0);
  dispatcher = new NotificationDispatcher({ outbox, inbox, directory: identity, mailQueue: new ArrayQueue(), clock });
  reminders = new ReminderService({
    outbox,
    clock,
    loadDossier: async () => undefined,
    loadMarche: async () => undefined,
    loadStructure: (siret) => identity.getStructure(siret),
  });
  // The commune: gp (principal), gs (secondary), agent (plain user)
  for (const id of ['gp', 'gs', 'agent', 'demandeur']) {
    await svc.registerUser({ id, loginAddress: `${id}@exemple.fr` }, T0);
  }
  await svc.createStructure(
    {
      userId: 'gp',
      structure: {
        siret: COMMUNE,
        raisonSociale: 'Ville de Bellerive',
        type: 'PUBLIC',
        services: [{ code: 'TRAVAUX', libelle: 'Direction des travaux', active: true }],
        directory: { codeServiceObligatoire: false, engagementObligatoire: false },
        spaces: ['FACTURES_TRAVAUX'],
      },
    },
    T0,
  );
  for (const [userId, role] of [
    ['gs', 'GESTIONNAIRE_SECONDAIRE'],
    ['agent', undefined],
  ] as const) {
    await svc.memberships.requestAttachment({ userId, siret: COMMUNE }, T0);
    await svc.memberships.decideAttachment({ deciderId: 'gp', siret: COMMUNE, userId, decision: 'APPROVED', role }, T0);
  }
  // What the set-up told (its own requests and decisions) is delivered and left aside
  await dispatcher.dispatchPending();
});

const kindsOf = async (userId: string) => (await inbox.list(userId, 20)).items.map((n) => n.kind);

describe('rattachement notifications', () => {
  it('asks the GP and the GS to decide a request; the plain user and the requester are not told', async () => {
    const before = { gp: await kindsOf('gp'), gs: await kindsOf('gs'), agent: await kindsOf('agent') };
    clock.at = new Date('2025-01-07T10:00:00.000Z');
    await svc.memberships.requestAttachment({ userId: 'demandeur', siret: COMMUNE }, clock.now());

    // GP and GS: one notification each; nobody else
    expect(await dispatcher.dispatchPending()).toBe(2);
    const [gp] = (await inbox.list('gp', 20)).items;
    expect(gp).toMatchObject({
      kind: 'RATTACHEMENT_DEMANDE',
      mustAct: true,
      title: 'Demande de rattachement à Ville de Bellerive (21300202500012)',
      link: `/structures/${COMMUNE}`,
    });
    expect(gp?.lines[0]).toContain('demandeur@exemple.fr');
    expect((await inbox.list('gs', 20)).items[0]).toMatchObject({ kind: 'RATTACHEMENT_DEMANDE', mustAct: true });
    expect(await kindsOf('gp')).toHaveLength(before.gp.length + 1);
    expect(await kindsOf('gs')).toHaveLength(before.gs.length + 1);
    expect(await kindsOf('agent')).toEqual(before.agent);
    expect(await kindsOf('demandeur')).toEqual([]);
    // Delivered once: a second pass creates nothing
    expect(await dispatcher.dispatchPending()).toBe(0);
  });

  it('tells the requester of the decision, and only the requester', async () => {
    await svc.memberships.requestAttachment(
      { userId: 'demandeur', siret: COMMUNE },
      new Date('2025-01-07T10:00:00.000Z'),
    );
    await dispatcher.dispatchPending();
    const gpBefore = await kindsOf('gp');

    clock.at = new Date('2025-01-08T08:30:00.000Z');
    await svc.memberships.decideAttachment(
      { deciderId: 'gs', siret: COMMUNE, userId: 'demandeur', decision: 'REFUSED' },
      clock.now(),
    );
    expect(await dispatcher.dispatchPending()).toBe(1);
    expect((await inbox.list('demandeur', 20)).items).toMatchObject([
      {
        kind: 'RATTACHEMENT_DECIDE',
        mustAct: false,
        title: 'Rattachement à Ville de Bellerive (21300202500012) refusé',
        at: '2025-01-08T08:30:00.000Z',
      },
    ]);
    expect(await kindsOf('gp')).toEqual(gpBefore);
  });

  it('writes no notification when the request is refused by the rules (nothing half written)', async () => {
    await svc.memberships.requestAttachment(
      { userId: 'demandeur', siret: COMMUNE },
      new Date('2025-01-07T10:00:00.000Z'),
    );
    await dispatcher.dispatchPending();
    // A second request while the first is pending is refused: no second notification
    await expect(svc.memberships.requestAttachment({ userId: 'demandeur', siret: COMMUNE }, T0)).rejects.toMatchObject({
      code: 'RATTACHEMENT_EXISTANT',
    });
    expect(await outbox.pending()).toEqual([]);
  });
});

describe('technical account password notice', () => {
  // Changed Friday 10 January 2025, 10:00 Paris. Last valid day: 10 Jan 2025 + 424 days = 10 Jan 2026 (+365)
  // + 21 (31 Jan) + 28 (28 Feb) + 10 = 10 March 2026. Notice: 30 days before = 8 February 2026, 0 h Paris (UTC+1 in
  // winter) = 7 February 2026, 23:00 UTC.
  const CHANGED = new Date('2025-01-10T09:00:00.000Z');
  const NOTICE = new Date('2026-02-07T23:00:00.000Z');

  it('tells the GP once, at 0 h Paris 30 days before the last valid day', async () => {
    await svc.resetTechnicalPassword({ actorId: 'gp', siret: COMMUNE, password: PASSWORD }, CHANGED);
    clock.at = CHANGED;
    expect(await reminders.nextDue()).toEqual(NOTICE);

    clock.at = new Date(NOTICE.getTime() - 60_000);
    expect(await reminders.fireDue()).toBe(0);
    clock.at = NOTICE;
    expect(await reminders.fireDue()).toBe(1);
    expect(await dispatcher.dispatchPending()).toBe(1);
    expect((await inbox.list('gp', 20)).items[0]).toMatchObject({
      kind: 'MOT_DE_PASSE_TECHNIQUE',
      mustAct: true,
      title: 'Mot de passe du compte technique à renouveler avant le 10/03/2026',
      at: NOTICE.toISOString(),
    });
    for (const u of ['gs', 'agent', `TECH_${COMMUNE}`])
      expect(await kindsOf(u)).not.toContain('MOT_DE_PASSE_TECHNIQUE');

    // Exactly once: later ticks, up to the expiry and after, send nothing more
    for (const later of ['2026-02-08T07:00:00.000Z', '2026-03-11T00:00:00.000Z']) {
      clock.at = new Date(later);
      expect(await reminders.fireDue()).toBe(0);
    }
    expect(await dispatcher.dispatchPending()).toBe(0);
    expect(await reminders.nextDue()).toBeUndefined();
  });

  it('a password changed again replaces the notice: the older one never goes out', async () => {
    await svc.resetTechnicalPassword({ actorId: 'gp', siret: COMMUNE, password: PASSWORD }, CHANGED);
    // Changed again on 1 March 2025, 10:00 Paris: last valid day 1 March 2025 + 424 days = 1 March 2026 (+365) + 59
    // = 29 April 2026 (31 March, 30 April: 1 Mar + 30 = 31 Mar, + 29 = 29 Apr); notice 30 March 2026, 0 h Paris
    // (UTC+2 from 29 March) = 29 March 2026, 22:00 UTC
    await svc.resetTechnicalPassword(
      { actorId: 'gp', siret: COMMUNE, password: 'Tr0mpette-Verte!' },
      new Date('2025-03-01T09:00:00.000Z'),
    );
    clock.at = NOTICE;
    expect(await reminders.fireDue()).toBe(0);
    expect(await reminders.nextDue()).toEqual(new Date('2026-03-29T22:00:00.000Z'));
    clock.at = new Date('2026-03-29T22:00:00.000Z');
    expect(await reminders.fireDue()).toBe(1);
    await dispatcher.dispatchPending();
    expect((await inbox.list('gp', 20)).items[0]?.title).toBe(
      'Mot de passe du compte technique à renouveler avant le 29/04/2026',
    );
  });
});
